/**
 * Thrown by a per-record step when a service it depends on is unavailable (a
 * database down, a timeout talking to it): not the record's fault, so the
 * record is not dead-lettered. The partition stops and restarts from its last
 * commit, backing off, and the record is processed again once the service is
 * back. `lookupJoin` throws it for failed lookups; throw it from your own
 * steps (an `asyncMap` call) for the same behaviour.
 */
export class UnavailableError extends Error {
  override readonly name = 'UnavailableError';

  constructor(what: string, options?: { readonly cause?: unknown }) {
    const cause = options?.cause;
    super(
      `${what} is unavailable${cause instanceof Error ? ` (${cause.message})` : ''}; the partition restarts from its last commit once it is back`,
      options,
    );
  }
}
