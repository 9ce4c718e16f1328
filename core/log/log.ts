import type { Envelope, Origin } from '../envelope.ts';

/** A topic of a Log: a fixed number of partitions, each an ordered sequence. */
export interface TopicConfig {
  readonly subject: string;
  /** Fixed for the life of the topic: keys map to partitions by a stable hash. */
  readonly partitions: number;
  /** How long an appended msgId suppresses a duplicate append. Default 120 000 ms. */
  readonly duplicateWindowMs?: number;
}

export interface AppendRecord {
  readonly key: string;
  readonly payload: Uint8Array;
  /** Deduplication id; a second append with the same id inside the window is dropped. */
  readonly msgId: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly eventTime?: number;
  /** Overrides partitioning by key hash. */
  readonly partition?: number;
  /** Carried to the envelope (see `Envelope.origin`). */
  readonly origin?: Origin;
  /** Carried to the envelope (see `Envelope.control`). */
  readonly control?: 'watermark';
}

/**
 * A record as `Log.check` judges it: everything but the payload's bytes, of
 * which only the count matters.
 */
export type RecordOutline = Omit<AppendRecord, 'payload'> & { readonly payloadBytes: number };

export interface AppendAck {
  readonly partition: number;
  readonly seq: number;
  /** True when the msgId was seen inside the window and nothing was stored. */
  readonly duplicate: boolean;
}

export interface ConsumerOptions {
  /** Durable name: a second consumer with the same name replaces the first. */
  readonly durable: string;
  /** First sequence to deliver (inclusive). */
  readonly fromSeq: number;
  /** Unacknowledged deliveries are redelivered after this long. Default 30 000 ms. */
  readonly ackWaitMs?: number;
  /** At most this many unacknowledged deliveries are outstanding: the backpressure bound. */
  readonly maxAckPending?: number;
  /**
   * `explicit` (default): the log records acks and redelivers what was not
   * acknowledged within `ackWaitMs`. `none`: an ordered, ack-less read from
   * `fromSeq` — `ack()` resolves at once without I/O and only frees room under
   * `maxAckPending` (still the bound on what is buffered), nothing is
   * redelivered, and `working()` does nothing. For a reader that re-reads from
   * its own committed position after a restart (a Stage does). JetStream
   * allows it only on topics with `limits` retention. The durable name then
   * only replaces an earlier consumer of the same log instance.
   *
   * @example
   * log.consume('orders', 0, { durable: 'totals', fromSeq: watermark + 1, acks: 'none' });
   */
  readonly acks?: AckMode;
}

/** Whether a consumer's acknowledgements are recorded by the log; see `ConsumerOptions.acks`. */
export type AckMode = 'explicit' | 'none';

/** One delivery of a record to a consumer. */
export interface Delivery {
  readonly envelope: Envelope<Uint8Array>;
  /** 1 on first delivery, more on redelivery. */
  readonly deliveryCount: number;
  /** Acknowledge; resolves once the log has recorded the ack (double ack). Idempotent. */
  ack(): Promise<void>;
  /** Tell the log the record is still being worked on, restarting its ack wait. */
  working(): void;
}

export interface Consumer extends AsyncIterable<Delivery> {
  /** Stops delivery; outstanding unacked records stay pending for the next consumer of that name. */
  close(): Promise<void>;
}

/**
 * A partitioned, append-only, sequenced log. Implemented by the embedded
 * `MemoryLog` and by JetStream; both pass `test/conformance/log.ts`.
 *
 * @example
 * await log.ensureTopic({ subject: 'orders', partitions: 4 });
 * await log.append('orders', { key: 'alice', payload: bytes, msgId: 'o-1' });
 * for await (const d of log.consume('orders', 0, { durable: 'billing', fromSeq: 1 })) {
 *   await d.ack();
 * }
 */
export interface Log {
  ensureTopic(config: TopicConfig): Promise<void>;
  /** Partition count of a topic created by `ensureTopic`. */
  partitions(subject: string): Promise<number>;
  /**
   * Appends, or throws `RecordRefusedError` (`InvalidRecordError`,
   * `PayloadTooLargeError`) for a record the log never takes, having appended nothing.
   */
  append(subject: string, record: AppendRecord): Promise<AppendAck>;
  /**
   * Throws the `RecordRefusedError` that `append` would throw for a record like
   * `record` (with a payload of `payloadBytes` bytes), and returns when the log
   * would take it; appends nothing, does no I/O. A stage checks each output
   * before its commit, so one the log would refuse becomes a dead letter
   * instead of an outbox row that can never be published.
   *
   * @example
   * log.check('totals', { key: 'k', payloadBytes: 5 << 20, msgId: 'm1' }); // throws PayloadTooLargeError
   */
  check(subject: string, record: RecordOutline): void;
  /** Ordered read without acks from `fromSeq` (inclusive) to the current end, then ends. */
  read(subject: string, partition: number, fromSeq: number): AsyncIterable<Envelope<Uint8Array>>;
  /**
   * How many records of the partition come after `afterSeq`: a consumer's lag
   * behind the end of the log when `afterSeq` is its committed watermark.
   */
  pending(subject: string, partition: number, afterSeq: number): Promise<number>;
  /** A durable consumer with explicit acks; runs until closed. */
  consume(subject: string, partition: number, options: ConsumerOptions): Consumer;
  close(): Promise<void>;
}
