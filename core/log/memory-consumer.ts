import type { Envelope } from '../envelope.ts';
import type { Consumer, Delivery } from './log.ts';
import type { MemoryPartition } from './memory-partition.ts';

/** A delivered record not acknowledged yet. */
interface Pending {
  readonly seq: number;
  deliveryCount: number;
  /** `performance.now()` after which it is redelivered. */
  deadline: number;
}

interface AckTarget {
  ack(seq: number): void;
  working(seq: number): void;
}

export interface MemoryConsumerSettings {
  readonly fromSeq: number;
  readonly ackWaitMs: number;
  readonly maxAckPending: number;
  /** Called once when the consumer closes, however it closes. */
  readonly onClose: (consumer: MemoryConsumer) => void;
}

const RESOLVED: Promise<void> = Promise.resolve();
const DONE: IteratorResult<Delivery> = { done: true, value: undefined };

class MemoryDelivery implements Delivery {
  readonly envelope: Envelope<Uint8Array>;
  readonly deliveryCount: number;
  readonly #target: AckTarget;

  constructor(envelope: Envelope<Uint8Array>, deliveryCount: number, target: AckTarget) {
    this.envelope = envelope;
    this.deliveryCount = deliveryCount;
    this.#target = target;
  }

  ack(): Promise<void> {
    this.#target.ack(this.envelope.seq);
    return RESOLVED;
  }

  working(): void {
    this.#target.working(this.envelope.seq);
  }
}

/**
 * A durable consumer of one in-memory partition with JetStream's delivery
 * rules: in order from `fromSeq`, at most `maxAckPending` unacknowledged, and
 * a delivery not acknowledged within `ackWaitMs` handed out again (before new
 * records, so after newer ones already delivered). An ack settles the
 * sequence whichever delivery of it is acknowledged.
 *
 * Unacknowledged deliveries are kept in a Map in deadline order (every
 * deadline is "now + ackWait", and `working()` re-inserts at the end), so one
 * sweep timer per consumer finds the expired ones at the head without a
 * timer per message.
 */
export class MemoryConsumer implements Consumer, AsyncIterator<Delivery> {
  readonly #partition: MemoryPartition | undefined;
  readonly #settings: MemoryConsumerSettings;
  readonly #inflight = new Map<number, Pending>();
  readonly #redeliver = new Map<number, Pending>();
  readonly #waiters: ((result: IteratorResult<Delivery>) => void)[] = [];
  readonly #target: AckTarget;
  readonly #unlisten: () => void;
  #failure: Error | undefined;
  #nextSeq: number;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /** `source`: the partition, or the error the first `next()` rejects with (an unknown topic). */
  constructor(source: MemoryPartition | Error, settings: MemoryConsumerSettings) {
    this.#settings = settings;
    this.#nextSeq = settings.fromSeq;
    this.#target = { ack: (seq) => this.#ack(seq), working: (seq) => this.#working(seq) };
    if (source instanceof Error) {
      this.#failure = source;
      this.#unlisten = () => {};
    } else {
      this.#partition = source;
      this.#unlisten = source.listen(() => {
        if (this.#waiters.length > 0) this.#pump();
      });
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
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#unlisten();
    this.#inflight.clear();
    this.#redeliver.clear();
    for (const resolve of this.#waiters.splice(0)) resolve(DONE);
    this.#settings.onClose(this);
  }

  /** The next delivery if one may go out now: redeliveries first, then new records within maxAckPending. */
  #take(): Delivery | undefined {
    const partition = this.#partition;
    if (partition === undefined || this.#closed) return undefined;
    if (this.#redeliver.size > 0) {
      for (const pending of this.#redeliver.values()) {
        this.#redeliver.delete(pending.seq);
        pending.deliveryCount++;
        const envelope = partition.at(pending.seq);
        if (envelope !== undefined) return this.#hand(pending, envelope);
      }
    }
    if (this.#inflight.size + this.#redeliver.size >= this.#settings.maxAckPending) return undefined;
    const envelope = partition.at(this.#nextSeq);
    if (envelope === undefined) return undefined;
    this.#nextSeq++;
    return this.#hand({ seq: envelope.seq, deliveryCount: 1, deadline: 0 }, envelope);
  }

  #hand(pending: Pending, envelope: Envelope<Uint8Array>): Delivery {
    const now = performance.now();
    pending.deadline = now + this.#settings.ackWaitMs;
    this.#inflight.set(pending.seq, pending);
    // Invariant: a timer is armed whenever something is in flight, and it is
    // due no later than the head, so a newer (later) deadline needs no timer.
    if (this.#timer === undefined) this.#arm(pending.deadline - now);
    return new MemoryDelivery(envelope, pending.deliveryCount, this.#target);
  }

  #pump(): void {
    while (this.#waiters.length > 0) {
      const delivery = this.#take();
      if (delivery === undefined) return;
      this.#waiters.shift()?.({ done: false, value: delivery });
    }
  }

  #ack(seq: number): void {
    if (this.#closed) return;
    if (this.#inflight.delete(seq) || this.#redeliver.delete(seq)) {
      if (this.#waiters.length > 0) this.#pump();
    }
  }

  #working(seq: number): void {
    if (this.#closed) return;
    const pending = this.#inflight.get(seq);
    if (pending === undefined) return;
    // Re-insert at the end to keep the Map in deadline order.
    this.#inflight.delete(seq);
    pending.deadline = performance.now() + this.#settings.ackWaitMs;
    this.#inflight.set(seq, pending);
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#sweep, Math.max(0, Math.ceil(ms)));
    this.#timer.unref();
  }

  readonly #sweep = (): void => {
    this.#timer = undefined;
    if (this.#closed) return;
    const now = performance.now();
    for (const pending of this.#inflight.values()) {
      if (pending.deadline > now) {
        this.#arm(pending.deadline - now);
        break;
      }
      this.#inflight.delete(pending.seq);
      this.#redeliver.set(pending.seq, pending);
    }
    if (this.#waiters.length > 0) this.#pump();
  };
}
