import { ModelCallError } from '../../agents/models/model-call-error.ts';
import { UnavailableError } from '../../core/errors/unavailable-error.ts';

const TRANSIENT = new Set(['rate_limited', 'server', 'timeout', 'connection']);

/**
 * A model or embedder that is down or rate-limited after its retries is not
 * the record's fault: the partition restarts and tries again later, rather
 * than dead-lettering good records. Anything else stays as it is.
 */
export function unavailableIfTransient(what: string, error: unknown): unknown {
  return error instanceof ModelCallError && TRANSIENT.has(error.kind)
    ? new UnavailableError(what, { cause: error })
    : error;
}
