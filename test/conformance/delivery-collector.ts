import type { Consumer, Delivery } from '../../core/log/log.ts';

/**
 * Drains a consumer in the background so a test can wait for deliveries (or
 * for their absence) with deadlines instead of a blocking `for await`.
 *
 * @example
 * const c = new DeliveryCollector(log.consume('t', 0, { durable: 'd', fromSeq: 1 }));
 * await c.waitFor(3);
 * expect(c.seqs()).toEqual([1, 2, 3]);
 */
export class DeliveryCollector {
  readonly deliveries: Delivery[] = [];
  readonly consumer: Consumer;
  #ended = false;
  #error: unknown;
  readonly finished: Promise<void>;

  constructor(consumer: Consumer) {
    this.consumer = consumer;
    this.finished = this.#drain();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** What the iteration threw, if it did. */
  get error(): unknown {
    return this.#error;
  }

  seqs(): number[] {
    return this.deliveries.map((d) => d.envelope.seq);
  }

  /** Resolves once `count` deliveries arrived; fails after `timeoutMs` saying what was seen. */
  async waitFor(count: number, timeoutMs = 10_000): Promise<void> {
    await until(
      () => this.deliveries.length >= count || this.#ended,
      timeoutMs,
      () => this.#describe(count),
    );
    if (this.deliveries.length < count) throw new Error(this.#describe(count));
  }

  /** Resolves once the iteration ended (normally or with an error). */
  async waitForEnd(timeoutMs = 10_000): Promise<void> {
    await until(
      () => this.#ended,
      timeoutMs,
      () => `consumer did not end within ${timeoutMs} ms`,
    );
  }

  async #drain(): Promise<void> {
    try {
      for await (const delivery of this.consumer) this.deliveries.push(delivery);
    } catch (error) {
      this.#error = error;
    } finally {
      this.#ended = true;
    }
  }

  #describe(count: number): string {
    const seen = this.deliveries.map((d) => `${d.envelope.seq}#${d.deliveryCount}`).join(', ');
    const state = this.#ended
      ? `ended${this.#error === undefined ? '' : ` with ${String(this.#error)}`}`
      : 'open';
    return `expected ${count} deliveries, got [${seen}] (consumer ${state})`;
  }
}

/** Polls `condition` every few ms until it holds; throws `describe()` after `timeoutMs`. */
export async function until(
  condition: () => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(describe());
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
