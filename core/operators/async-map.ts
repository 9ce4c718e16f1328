import {
  concatMap,
  defer,
  finalize,
  from,
  type Observable,
  type OperatorFunction,
  retry,
  throwError,
  timeout,
  timer,
} from 'rxjs';
import { AsyncCallTimeoutError } from '../errors/async-call-timeout-error.ts';
import { restartBackoff } from '../stage/restart-backoff.ts';
import { Slots } from './slots.ts';

/** What each call of `asyncMap` gets besides the record. */
export interface AsyncCall {
  /**
   * Aborted when the attempt ends — it timed out, failed, was given up, or
   * delivered its result: pass it to `fetch` and the like, and read a response's
   * body within the call, not in a later step.
   */
  readonly signal: AbortSignal;
  /** 1 for the first attempt, 2 for the first retry, ... */
  readonly attempt: number;
}

export interface AsyncMapOptions {
  /** Names the call in errors. Default `asyncMap`. */
  readonly name?: string;
  /** Calls in flight at once through this operator, across the keys and partitions of this process. Default 16. */
  readonly capacity?: number;
  /** Deadline of each attempt (for an Observable call: of each of its values, and of its completion). Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Attempts after the first one. Default 2. */
  readonly retries?: number;
  /** Wait before the first retry; it doubles with each, up to `maxRetryDelayMs`, with ±20% jitter. Default 100 ms. */
  readonly retryDelayMs?: number;
  /** Default 5 000 ms. */
  readonly maxRetryDelayMs?: number;
  /** Which failures are worth another attempt. Default: every one (timeouts included). */
  readonly retryable?: (error: unknown) => boolean;
  /** Jitter's source; tests pass a fixed one. Default `Math.random`. */
  readonly random?: () => number;
}

const defaults = {
  name: 'asyncMap',
  capacity: 16,
  timeoutMs: 10_000,
  retries: 2,
  retryDelayMs: 100,
  maxRetryDelayMs: 5_000,
  retryable: (): boolean => true,
  random: Math.random,
} satisfies Required<AsyncMapOptions>;

/**
 * A per-record step that calls an outside service — Flink's async I/O: at most
 * `capacity` calls in flight (shared by all keys; a key's records still go one
 * at a time, in order), each attempt bounded by `timeoutMs` and aborted when it
 * runs out, failures retried with backoff and jitter. The result flows on to the
 * next step; a call that fails for good makes its input a dead letter (phase
 * `step`).
 *
 * Use it for reads and idempotent requests (enrichment, scoring, lookups over
 * HTTP): a call whose input was not committed yet is simply made again after a
 * crash, and nothing of it escapes before the commit. A call with a side effect
 * that must happen once (a payment, an e-mail) belongs in an actor's
 * `ctx.run`, whose result is journaled and whose step id is its idempotency key.
 *
 * @example
 * ```ts
 * from('reviews', Review).pipe(
 *   asyncMap((r, { signal }) => fetch(`${geo}/${r.ip}`, { signal }).then((res) => res.json()), {
 *     capacity: 32,
 *     timeoutMs: 2_000,
 *   }),
 *   actor(scorer),
 * );
 * ```
 */
export function asyncMap<T, R>(
  call: (value: T, context: AsyncCall) => PromiseLike<R> | Observable<R>,
  options: AsyncMapOptions = {},
): OperatorFunction<T, R> {
  const o = { ...defaults, ...options };
  if (!Number.isInteger(o.retries) || o.retries < 0) {
    throw new RangeError(`retries must be a whole number of at least 0, got ${o.retries}`);
  }
  if (!(o.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${o.timeoutMs}`);
  const slots = new Slots(o.capacity);
  return (source) =>
    source.pipe(
      concatMap((value) => {
        let attempt = 0;
        // Each attempt takes a slot of its own: a record waiting out its backoff holds none.
        const once = defer(() => {
          const n = ++attempt;
          const abort = new AbortController();
          return slots.gate(
            defer(() => from(call(value, { signal: abort.signal, attempt: n }))).pipe(
              timeout({
                each: o.timeoutMs,
                with: () => throwError(() => new AsyncCallTimeoutError(o.name, o.timeoutMs, n)),
              }),
              finalize(() => abort.abort()),
            ),
          );
        });
        return once.pipe(
          retry({
            count: o.retries,
            delay: (error: unknown, retryCount) =>
              o.retryable(error)
                ? timer(restartBackoff(retryCount, o.retryDelayMs, o.maxRetryDelayMs, o.random))
                : throwError(() => error),
          }),
        );
      }),
    );
}
