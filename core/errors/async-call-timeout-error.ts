/**
 * An `asyncMap` call did not settle within its `timeoutMs` (on every attempt,
 * when it was retried). The record becomes a dead letter of phase `step`;
 * raise `timeoutMs` if the service is merely slow, or check the service.
 */
export class AsyncCallTimeoutError extends Error {
  override readonly name = 'AsyncCallTimeoutError';
  readonly timeoutMs: number;
  readonly attempt: number;

  constructor(name: string, timeoutMs: number, attempt: number) {
    super(
      `${name}: no result within ${timeoutMs} ms (attempt ${attempt}); raise timeoutMs if the service is slow, or check that it is up`,
    );
    this.timeoutMs = timeoutMs;
    this.attempt = attempt;
  }
}
