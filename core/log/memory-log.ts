import type { Envelope } from '../envelope.ts';
import { LogClosedError } from '../errors/log-closed-error.ts';
import { PartitionCountMismatchError } from '../errors/partition-count-mismatch-error.ts';
import { PartitionOutOfRangeError } from '../errors/partition-out-of-range-error.ts';
import { PayloadTooLargeError } from '../errors/record-refused-error.ts';
import { TopicNotFoundError } from '../errors/topic-not-found-error.ts';
import { checkAppend, recordBytes } from './append-rules.ts';
import { DedupWindow } from './dedup-window.ts';
import type {
  AppendAck,
  AppendRecord,
  Consumer,
  ConsumerOptions,
  Log,
  RecordOutline,
  TopicConfig,
} from './log.ts';
import { MemoryAcklessConsumer } from './memory-ackless-consumer.ts';
import { MemoryConsumer } from './memory-consumer.ts';
import { MemoryPartition } from './memory-partition.ts';
import { partitionOf } from './partition-of.ts';
import { PayloadSlab } from './payload-slab.ts';
import { checkAfterSeq } from './seq-checks.ts';
import { assertTopicSubject } from './topic-subject.ts';

export interface MemoryLogOptions {
  /**
   * The clock of the dedup window and of default event times (ms since the
   * epoch). Default `Date.now`; tests pass a fake one to move time without
   * sleeping. Ack waits always run on real timers.
   */
  readonly now?: () => number;
  /**
   * Records larger than this (payload and headers, see `recordBytes`) are
   * refused with `PayloadTooLargeError`. Default 1 MiB, NATS's default
   * `max_payload`, so what runs here fits a default JetStream.
   */
  readonly maxRecordBytes?: number;
}

const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;
const DEFAULT_ACK_WAIT_MS = 30_000;
/** JetStream's default, so the embedded log applies the same backpressure. */
const DEFAULT_MAX_ACK_PENDING = 1_000;
const DEFAULT_MAX_RECORD_BYTES = 1_048_576;
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

interface Topic {
  readonly partitions: readonly MemoryPartition[];
  readonly dedup: DedupWindow;
}

/**
 * The embedded Log: topics, partitions, msgId deduplication and durable
 * consumers in process memory, with JetStream's semantics (it passes the same
 * conformance suite). Sequences are contiguous per partition from 1. Nothing
 * survives the process: use it for development, tests and single-process runs.
 * Delivered envelopes are shared, not copied: treat their payloads as read-only.
 *
 * @example
 * const log = new MemoryLog();
 * await log.ensureTopic({ subject: 'orders', partitions: 4 });
 * await log.append('orders', { key: 'alice', payload: new TextEncoder().encode('{}'), msgId: 'o-1' });
 * for await (const d of log.consume('orders', partitionOf('alice', 4), { durable: 'billing', fromSeq: 1 })) {
 *   await d.ack();
 * }
 */
export class MemoryLog implements Log {
  readonly #topics = new Map<string, Topic>();
  /** The live consumer per (subject, partition, durable): a new `consume` replaces it. */
  readonly #consumers = new Map<string, MemoryConsumer | MemoryAcklessConsumer>();
  readonly #now: () => number;
  readonly #maxRecordBytes: number;
  readonly #payloads = new PayloadSlab();
  #closed = false;

  constructor(options: MemoryLogOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  }

  async ensureTopic(config: TopicConfig): Promise<void> {
    this.#assertOpen('ensureTopic');
    const { subject, partitions } = config;
    assertTopicSubject(subject);
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new RangeError(`topic "${subject}": partitions must be a positive integer, got ${partitions}`);
    }
    const windowMs = config.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
    if (!Number.isFinite(windowMs) || windowMs < 0) {
      throw new RangeError(`topic "${subject}": duplicateWindowMs must be >= 0, got ${windowMs}`);
    }
    const existing = this.#topics.get(subject);
    if (existing !== undefined) {
      if (existing.partitions.length !== partitions) {
        throw new PartitionCountMismatchError(subject, existing.partitions.length, partitions);
      }
      // Like a JetStream stream update: the window is a setting, not an identity.
      existing.dedup.windowMs = windowMs;
      return;
    }
    this.#topics.set(subject, {
      partitions: Array.from({ length: partitions }, () => new MemoryPartition()),
      dedup: new DedupWindow(windowMs),
    });
  }

  async partitions(subject: string): Promise<number> {
    this.#assertOpen('partitions');
    return this.#topic(subject).partitions.length;
  }

  check(subject: string, record: RecordOutline): void {
    checkAppend(subject, record);
    const bytes = recordBytes(record);
    if (bytes > this.#maxRecordBytes) {
      throw new PayloadTooLargeError(subject, bytes, this.#maxRecordBytes, "the memory log's maxRecordBytes");
    }
  }

  async append(subject: string, record: AppendRecord): Promise<AppendAck> {
    this.#assertOpen('append');
    const topic = this.#topic(subject);
    this.check(subject, { ...record, payloadBytes: record.payload.length });
    const partition = record.partition ?? partitionOf(record.key, topic.partitions.length);
    const target = partitionIn(topic, subject, partition);
    const now = this.#now();
    const first = topic.dedup.lookup(record.msgId, now);
    if (first !== undefined) return { partition: first.partition, seq: first.seq, duplicate: true };
    const seq = target.nextSeq;
    topic.dedup.remember(record.msgId, partition, seq, now);
    target.push({
      subject,
      key: record.key,
      seq,
      id: record.msgId,
      eventTime: record.eventTime ?? now,
      // Copies: the caller may reuse its buffer and headers object.
      payload: this.#payloads.copy(record.payload),
      headers: record.headers === undefined ? NO_HEADERS : { ...record.headers },
      partition,
      ...(record.origin ? { origin: { id: record.origin.id, seq: record.origin.seq } } : {}),
      ...(record.control ? { control: record.control } : {}),
    });
    return { partition, seq, duplicate: false };
  }

  async *read(subject: string, partition: number, fromSeq: number): AsyncGenerator<Envelope<Uint8Array>> {
    this.#assertOpen('read');
    assertSeq(fromSeq);
    const source = partitionIn(this.#topic(subject), subject, partition);
    const last = source.lastSeq;
    for (let seq = fromSeq; seq <= last; seq++) {
      const envelope = source.at(seq);
      if (envelope !== undefined) yield envelope;
    }
  }

  async pending(subject: string, partition: number, afterSeq: number): Promise<number> {
    this.#assertOpen('pending');
    checkAfterSeq(afterSeq);
    // Sequences here are per partition and dense: the distance to the end is the count.
    return Math.max(0, partitionIn(this.#topic(subject), subject, partition).lastSeq - afterSeq);
  }

  consume(subject: string, partition: number, options: ConsumerOptions): Consumer {
    assertSeq(options.fromSeq);
    const ackWaitMs = options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
    if (!Number.isFinite(ackWaitMs) || ackWaitMs <= 0) {
      throw new RangeError(`ackWaitMs must be a positive number of milliseconds, got ${ackWaitMs}`);
    }
    const maxAckPending = options.maxAckPending ?? DEFAULT_MAX_ACK_PENDING;
    if (!Number.isInteger(maxAckPending) || maxAckPending < 1) {
      throw new RangeError(`maxAckPending must be a positive integer, got ${maxAckPending}`);
    }
    if (options.acks !== undefined && options.acks !== 'explicit' && options.acks !== 'none') {
      throw new RangeError(`acks must be 'explicit' or 'none', got ${String(options.acks)}`);
    }
    const name = `${subject}\u0000${partition}\u0000${options.durable}`;
    let source: MemoryPartition | Error;
    try {
      this.#assertOpen('consume');
      source = partitionIn(this.#topic(subject), subject, partition);
    } catch (error) {
      // Surfaced on iteration, as a remote log can only find out then.
      source = error instanceof Error ? error : new Error(String(error));
    }
    const onClose = (closed: Consumer): void => {
      if (this.#consumers.get(name) === closed) this.#consumers.delete(name);
    };
    const consumer =
      options.acks === 'none'
        ? new MemoryAcklessConsumer(source, { fromSeq: options.fromSeq, maxAckPending, onClose })
        : new MemoryConsumer(source, { fromSeq: options.fromSeq, ackWaitMs, maxAckPending, onClose });
    if (!(source instanceof Error)) {
      this.#consumers.get(name)?.close();
      this.#consumers.set(name, consumer);
    }
    return consumer;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const consumers = [...this.#consumers.values()];
    this.#consumers.clear();
    await Promise.all(consumers.map((c) => c.close()));
  }

  #topic(subject: string): Topic {
    const topic = this.#topics.get(subject);
    if (topic === undefined) throw new TopicNotFoundError(subject);
    return topic;
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new LogClosedError(operation);
  }
}

function partitionIn(topic: Topic, subject: string, partition: number): MemoryPartition {
  const found = Number.isInteger(partition) ? topic.partitions[partition] : undefined;
  if (found === undefined) throw new PartitionOutOfRangeError(subject, partition, topic.partitions.length);
  return found;
}

function assertSeq(fromSeq: number): void {
  if (!Number.isInteger(fromSeq) || fromSeq < 1) {
    throw new RangeError(`fromSeq must be an integer >= 1, got ${fromSeq}`);
  }
}
