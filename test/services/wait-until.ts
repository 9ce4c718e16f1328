import { setTimeout as sleep } from 'node:timers/promises';

/** What {@link waitUntil} polls: resolves true when ready, false (or throws) when not yet. */
export type ReadinessProbe = () => Promise<boolean>;

/**
 * Polls `probe` until it says ready, `abort` returns a reason to give up, or
 * `timeoutMs` passes. Returns undefined when ready, otherwise why it stopped.
 *
 * @example
 * const failure = await waitUntil(() => isHealthy(), { timeoutMs: 15_000, abort: () => exited ? 'exited' : undefined });
 */
export async function waitUntil(
  probe: ReadinessProbe,
  options: {
    readonly timeoutMs: number;
    readonly intervalMs?: number;
    readonly abort?: () => string | undefined;
  },
): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError = '';
  for (;;) {
    const aborted = options.abort?.();
    if (aborted !== undefined) return aborted;
    try {
      if (await probe()) return undefined;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) {
      const suffix = lastError === '' ? '' : ` (last error: ${lastError})`;
      return `not ready after ${options.timeoutMs} ms${suffix}`;
    }
    await sleep(options.intervalMs ?? 50);
  }
}

/**
 * `promise`'s value, or undefined when `timeoutMs` passes first. The timer is
 * cleared either way, so it never holds the process open.
 *
 * @example
 * const exit = await withTimeout(server.exited, 10_000);
 */
export async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise,
      sleep(timeoutMs, undefined, { signal: timer.signal }).catch(() => undefined),
    ]);
  } finally {
    timer.abort();
  }
}
