import type { Delivery } from '../log/log.ts';
import type { Logger } from '../logger.ts';

/**
 * Keeps the log from redelivering what the runtime still holds. A delivery is
 * held from its arrival until the commit that covers it is acknowledged, and
 * a key's slow step (an LLM call) can make that far longer than the ack wait;
 * so every held delivery outstanding longer than half the ack wait is told
 * `working()`, which restarts its ack wait. One sweep every quarter of the
 * ack wait serves them all: deliveries are kept in order of their last signal
 * (a signal moves one to the end), so a sweep stops at the first recent one.
 *
 * @example
 * const signals = new InProgressSignals(30_000, logger);
 * signals.hold(delivery);    // on arrival
 * signals.release(delivery); // when acknowledged
 * signals.stop();            // when the runtime stops
 */
export class InProgressSignals {
  /** Held deliveries and when they arrived or were last signalled (`performance.now()`), oldest first. */
  readonly #since = new Map<Delivery, number>();
  readonly #halfWaitMs: number;
  readonly #log: Logger;
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(ackWaitMs: number, log: Logger) {
    if (!Number.isFinite(ackWaitMs) || ackWaitMs <= 0) {
      throw new RangeError(`ackWaitMs must be a positive number of milliseconds, got ${ackWaitMs}`);
    }
    this.#halfWaitMs = ackWaitMs / 2;
    this.#log = log;
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(1, Math.floor(ackWaitMs / 4)));
    this.#sweeper.unref?.();
  }

  /** Deliveries held now. */
  get size(): number {
    return this.#since.size;
  }

  hold(delivery: Delivery): void {
    if (this.#sweeper === undefined || this.#since.has(delivery)) return;
    this.#since.set(delivery, performance.now());
  }

  release(delivery: Delivery): void {
    this.#since.delete(delivery);
  }

  stop(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#since.clear();
  }

  #sweep(): void {
    const now = performance.now();
    const due: Delivery[] = [];
    for (const [delivery, since] of this.#since) {
      if (now - since < this.#halfWaitMs) break;
      due.push(delivery);
    }
    for (const delivery of due) {
      this.#since.delete(delivery);
      this.#since.set(delivery, now);
      try {
        delivery.working();
      } catch (error) {
        // A lost signal only means a redelivery, which the runtime holds or skips.
        this.#log.debug({ seq: delivery.envelope.seq, error: String(error) }, 'in-progress signal failed');
      }
    }
  }
}
