import { restartBackoff } from '../stage/restart-backoff.ts';

/**
 * The partitions of a part waiting to restart after a failure, and each one's
 * failures since it last committed: the backoff doubles with them (capped,
 * with jitter), so a partition whose server is down retries calmly instead of
 * every half second, and starts over once it commits again.
 */
export class RestartSchedule {
  readonly #waiting = new Map<
    number,
    { readonly timer: ReturnType<typeof setTimeout>; readonly epoch: number }
  >();
  readonly #failures = new Map<number, number>();
  readonly #delayMs: number;
  readonly #maxDelayMs: number;

  constructor(options: { readonly restartDelayMs: number; readonly maxRestartDelayMs: number }) {
    this.#delayMs = options.restartDelayMs;
    this.#maxDelayMs = options.maxRestartDelayMs;
  }

  /** Runs `restart` after the backoff of the partition's next failure; `epoch` is the one it last ran under. */
  schedule(partition: number, epoch: number, restart: () => void): { attempt: number; delayMs: number } {
    const attempt = (this.#failures.get(partition) ?? 0) + 1;
    this.#failures.set(partition, attempt);
    const delayMs = restartBackoff(attempt, this.#delayMs, this.#maxDelayMs);
    const timer = setTimeout(() => {
      this.#waiting.delete(partition);
      restart();
    }, delayMs);
    this.#waiting.set(partition, { timer, epoch });
    return { attempt, delayMs };
  }

  cancel(partition: number): void {
    const waiting = this.#waiting.get(partition);
    if (waiting) clearTimeout(waiting.timer);
    this.#waiting.delete(partition);
  }

  cancelAll(): void {
    for (const waiting of this.#waiting.values()) clearTimeout(waiting.timer);
    this.#waiting.clear();
  }

  /** The partitions waiting, with the epoch each last ran under: their leases are still this instance's. */
  *waiting(): Iterable<readonly [partition: number, epoch: number]> {
    for (const [partition, { epoch }] of this.#waiting) yield [partition, epoch];
  }

  /** The partition committed: its backoff starts over. True when it had failed since its last commit. */
  committed(partition: number): boolean {
    return this.#failures.delete(partition);
  }
}
