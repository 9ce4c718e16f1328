/** How work given to {@link runWithDeadline} ended. */
export type DeadlineOutcome<T> =
  | { readonly kind: 'done'; readonly value: T }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'timeout' };

/**
 * Runs `work` with a signal that aborts after `timeoutMs` or when `caller`
 * aborts. Settles at the deadline even if `work` ignores its signal (an agent
 * must not hang on a tool that does not listen); rejects with the caller's
 * reason when the caller aborts.
 */
export async function runWithDeadline<T>(
  work: (signal: AbortSignal) => T | Promise<T>,
  timeoutMs: number,
  caller: AbortSignal | undefined,
): Promise<DeadlineOutcome<T>> {
  caller?.throwIfAborted();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onCallerAbort: (() => void) | undefined;
  const stopped = new Promise<DeadlineOutcome<T>>((resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
      resolve({ kind: 'timeout' });
    }, timeoutMs);
    onCallerAbort = () => {
      controller.abort(caller?.reason);
      reject(caller?.reason);
    };
    caller?.addEventListener('abort', onCallerAbort, { once: true });
  });
  const ran = (async (): Promise<DeadlineOutcome<T>> => {
    try {
      return { kind: 'done', value: await work(controller.signal) };
    } catch (error) {
      return { kind: 'threw', error };
    }
  })();
  try {
    return await Promise.race([ran, stopped]);
  } finally {
    clearTimeout(timer);
    if (onCallerAbort) caller?.removeEventListener('abort', onCallerAbort);
  }
}
