import type { Logger } from '../../core/logger.ts';
import { type CallFailure, isTransient } from './call-failure.ts';
import { ModelCallError, type ModelCallSite } from './model-call-error.ts';

/** How transient failures are retried. Delays double from `baseDelayMs` up to `maxDelayMs`, with jitter. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = one attempt). */
  readonly retries: number;
  readonly baseDelayMs: number;
  /** Cap on one wait, a server's `retry-after` included. */
  readonly maxDelayMs: number;
}

/** 3 retries, 500 ms doubling to at most 30 s: what a model config without retry fields gets. */
export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * The wait before retry number `retry` (1-based). A server's `retry-after` is
 * honoured (capped) with up to 10% added, so clients told the same thing do
 * not all come back at the same instant; otherwise exponential backoff with
 * "equal jitter": half the step fixed, half random, so waits still grow.
 */
export function backoffDelay(
  policy: RetryPolicy,
  retry: number,
  failure: CallFailure,
  random: () => number = Math.random,
): number {
  const asked = 'retryAfterMs' in failure ? failure.retryAfterMs : undefined;
  if (asked !== undefined) {
    const wait = Math.min(asked, policy.maxDelayMs);
    return wait + random() * Math.min(wait * 0.1, 1_000);
  }
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return step / 2 + (random() * step) / 2;
}

/**
 * Runs `attempt` until it succeeds, retrying transient failures (as
 * `classify` reads them) per `policy`. Rejects with a ModelCallError after
 * the last attempt or on a permanent failure, with the signal's reason when
 * aborted, and with the error itself when `classify` does not know it.
 */
export async function callWithRetries<T>(
  site: ModelCallSite,
  policy: RetryPolicy,
  logger: Logger,
  signal: AbortSignal | undefined,
  attempt: (attempt: number) => Promise<T>,
  classify: (error: unknown) => CallFailure | undefined,
): Promise<T> {
  for (let n = 1; ; n++) {
    signal?.throwIfAborted();
    try {
      return await attempt(n);
    } catch (error) {
      const failure = classify(error);
      if (failure === undefined) throw error;
      if (failure.kind === 'aborted') throw failure.reason;
      if (!isTransient(failure) || n > policy.retries) throw new ModelCallError(site, failure, n);
      const delayMs = Math.round(backoffDelay(policy, n, failure));
      logger.warn(
        {
          model: site.model,
          attempt: n,
          kind: failure.kind,
          ...('status' in failure ? { status: failure.status } : {}),
          delayMs,
        },
        'model call failed; retrying',
      );
      await sleep(delayMs, signal);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
