import { AcklessDelivery } from './ackless-delivery.ts';
import type { Consumer, Delivery } from './log.ts';
import type { MemoryPartition } from './memory-partition.ts';

export interface MemoryAcklessSettings {
  readonly fromSeq: number;
  readonly maxAckPending: number;
  /** Called once when the consumer closes, however it closes. */
  readonly onClose: (consumer: MemoryAcklessConsumer) => void;
}

const RESOLVED: Promise<void> = Promise.resolve();
const DONE: IteratorResult<Delivery> = { done: true, value: undefined };

/**
 * The memory log's `acks: 'none'` consumer, with the semantics of a JetStream
 * ordered consumer: every record once, in order from `fromSeq`, never
 * redelivered; at most `maxAckPending` deliveries handed out and not yet
 * acknowledged, so a slow reader still holds the log back.
 */
export class MemoryAcklessConsumer implements Consumer, AsyncIterator<Delivery> {
  readonly #partition: MemoryPartition | undefined;
  readonly #settings: MemoryAcklessSettings;
  readonly #waiters: ((result: IteratorResult<Delivery>) => void)[] = [];
  readonly #unlisten: () => void;
  #failure: Error | undefined;
  #nextSeq: number;
  #outstanding = 0;
  #closed = false;

  /** `source`: the partition, or the error the first `next()` rejects with (an unknown topic). */
  constructor(source: MemoryPartition | Error, settings: MemoryAcklessSettings) {
    this.#settings = settings;
    this.#nextSeq = settings.fromSeq;
    if (source instanceof Error) {
      this.#failure = source;
      this.#unlisten = () => {};
    } else {
      this.#partition = source;
      this.#unlisten = source.listen(() => this.#pump());
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<Delivery> {
    return this;
  }

  next(): Promise<IteratorResult<Delivery>> {
    const failure = this.#failure;
    if (failure !== undefined) {
      this.#failure = undefined;
      this.#close();
      return Promise.reject(failure);
    }
    if (this.#closed) return Promise.resolve(DONE);
    if (this.#waiters.length === 0) {
      const delivery = this.#take();
      if (delivery !== undefined) return Promise.resolve({ done: false, value: delivery });
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Leaving a `for await` early closes the consumer. */
  return(): Promise<IteratorResult<Delivery>> {
    this.#close();
    return Promise.resolve(DONE);
  }

  close(): Promise<void> {
    this.#close();
    return RESOLVED;
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unlisten();
    for (const resolve of this.#waiters.splice(0)) resolve(DONE);
    this.#settings.onClose(this);
  }

  #take(): Delivery | undefined {
    if (this.#closed || this.#outstanding >= this.#settings.maxAckPending) return undefined;
    const envelope = this.#partition?.at(this.#nextSeq);
    if (envelope === undefined) return undefined;
    this.#nextSeq++;
    this.#outstanding++;
    return new AcklessDelivery(envelope, this.#release);
  }

  readonly #release = (): void => {
    // An ack after close or replacement must not open room in anything.
    if (this.#closed) return;
    this.#outstanding--;
    this.#pump();
  };

  #pump(): void {
    while (this.#waiters.length > 0) {
      const delivery = this.#take();
      if (delivery === undefined) return;
      this.#waiters.shift()?.({ done: false, value: delivery });
    }
  }
}
