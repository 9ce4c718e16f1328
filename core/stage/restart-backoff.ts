const DEFAULT_BASE_MS = 500;
const DEFAULT_MAX_MS = 30_000;

/**
 * The wait before restart number `attempt` (1, 2, ...) of a failing
 * partition: `baseMs` doubled per attempt, capped at `maxMs`, with ±20% jitter
 * so partitions that failed together do not retry in lockstep.
 *
 * @example
 * restartBackoff(1); // about 500 ms
 * restartBackoff(8); // about 30 000 ms (capped)
 */
export function restartBackoff(
  attempt: number,
  baseMs = DEFAULT_BASE_MS,
  maxMs = DEFAULT_MAX_MS,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.max(0, Math.round(exponential * (0.8 + 0.4 * random())));
}
