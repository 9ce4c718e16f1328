import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  type StreamInfo,
} from '@nats-io/jetstream';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import type { Envelope } from '../../core/envelope.ts';
import { LogClosedError } from '../../core/errors/log-closed-error.ts';
import { PayloadTooLargeError } from '../../core/errors/record-refused-error.ts';
import { TopicNotFoundError } from '../../core/errors/topic-not-found-error.ts';
import { checkAppend } from '../../core/log/append-rules.ts';
import type {
  AppendAck,
  AppendRecord,
  Consumer,
  ConsumerOptions,
  Log,
  RecordOutline,
} from '../../core/log/log.ts';
import { partitionOf } from '../../core/log/partition-of.ts';
import { checkAfterSeq } from '../../core/log/seq-checks.ts';
import { type ConsumerContext, JetStreamConsumer } from './durable-consumer.ts';
import { ensureStream, streamInfo } from './ensure-stream.ts';
import { JetStreamConnectError } from './errors.ts';
import {
  type JetStreamLogOptions,
  type ResolvedJetStreamLogOptions,
  resolveOptions,
} from './jetstream-log-options.ts';
import type { JetStreamTopicConfig } from './jetstream-topic-config.ts';
import { checkConsumerOptions, checkPartition, eddyPartitions } from './log-arguments.ts';
import { consumerName, partitionSubject, streamName } from './names.ts';
import { JetStreamOrderedConsumer } from './ordered-consumer.ts';
import { publishRecord } from './publish-record.ts';
import { pendingInPartition, readPartition } from './read-partition.ts';
import { headerBlockBytes, publishHeaders } from './record-codec.ts';
import { redactText } from './redact.ts';
import { RequestBatcher } from './request-batcher.ts';

/**
 * The production `Log`: NATS JetStream. A topic is one stream capturing
 * `<subject>.*`; partition p is the subject `<subject>.<p>`, its sequence the
 * stream sequence (increasing within a partition, not contiguous). The
 * partition count lives in the stream description, so any process can read it.
 * Appends deduplicate by `Nats-Msg-Id` across the topic and may be pipelined
 * freely (nothing serialises them).
 *
 * @example
 * const log = await JetStreamLog.connect({ servers: process.env.NATS_URL });
 * await log.ensureTopic({ subject: 'orders', partitions: 4 });
 * await log.append('orders', { key: 'alice', payload: bytes, msgId: 'o-1' });
 * for await (const d of log.consume('orders', 0, { durable: 'billing', fromSeq: 1 })) await d.ack();
 */
export class JetStreamLog implements Log {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #options: ResolvedJetStreamLogOptions;
  #ownsConnection = false;
  readonly #partitions = new Map<string, number>();
  /** The latest consumer per JetStream consumer name: a new `consume` replaces it. */
  readonly #consumers = new Map<string, JetStreamConsumer | JetStreamOrderedConsumer>();
  #jsm: Promise<JetStreamManager> | undefined;
  #requests: RequestBatcher | undefined;
  #closed = false;

  /** Uses a connection the caller owns: `close` leaves it open. */
  constructor(nc: NatsConnection, options: JetStreamLogOptions = {}) {
    this.#nc = nc;
    this.#js = jetstream(nc);
    this.#options = resolveOptions(options);
    void this.#watchConnection();
  }

  /**
   * Connects to NATS (with `noAsyncTraces`, 1.7x faster publishes and acks) and
   * returns a log that closes the connection when it is closed.
   *
   * @example
   * const log = await JetStreamLog.connect({ servers: 'nats://127.0.0.1:4222' }, { storage: 'memory' });
   */
  static async connect(
    connection: NodeConnectionOptions,
    options: JetStreamLogOptions = {},
  ): Promise<JetStreamLog> {
    let nc: NatsConnection;
    try {
      nc = await connect({ noAsyncTraces: true, ...connection });
    } catch (error) {
      throw new JetStreamConnectError(connection.servers ?? 'nats://127.0.0.1:4222', error);
    }
    const log = new JetStreamLog(nc, options);
    log.#ownsConnection = true;
    return log;
  }

  /** Also takes `serverPartitioning` (nats-server 2.10+): see `JetStreamTopicConfig`. */
  async ensureTopic(config: JetStreamTopicConfig): Promise<void> {
    this.#assertOpen('ensureTopic');
    await ensureStream(
      await this.#manager(),
      config,
      this.#options,
      this.#supportsMetadata(),
      this.#nc.info?.version ?? '0.0.0',
    );
    this.#partitions.set(config.subject, config.partitions);
  }

  /** A round trip to the server (ms): what a readiness probe asks. Throws when the connection is closed or the server does not answer. */
  async ping(): Promise<number> {
    this.#assertOpen('ping');
    return this.#nc.rtt();
  }

  async partitions(subject: string): Promise<number> {
    this.#assertOpen('partitions');
    const cached = this.#partitions.get(subject);
    if (cached !== undefined) return cached;
    const n = eddyPartitions(subject, await this.#topicStream(subject));
    this.#partitions.set(subject, n);
    return n;
  }

  /** Also refuses what the connected server's `max_payload` (headers included) does not take. */
  check(subject: string, record: RecordOutline): void {
    checkAppend(subject, record);
    this.#checkSize(subject, headerBlockBytes(record, Date.now()) + record.payloadBytes);
  }

  async append(subject: string, record: AppendRecord): Promise<AppendAck> {
    this.#assertOpen('append');
    checkAppend(subject, record);
    const headers = publishHeaders(record, Date.now());
    this.#checkSize(subject, headers.encode().length + record.payload.length);
    const partitions = this.#partitions.get(subject) ?? (await this.partitions(subject));
    const partition = record.partition ?? partitionOf(record.key, partitions);
    checkPartition(subject, partition, partitions);
    // Sent on the next flush: the caller may reuse its buffer before that.
    const payload = record.payload.slice();
    const stored = await publishRecord(
      this.#requestBatcher(),
      subject,
      partitionSubject(subject, partition),
      payload,
      headers,
      record.msgId,
      { timeoutMs: this.#options.publishTimeoutMs, attempts: this.#options.publishAttempts },
    );
    if (!stored.duplicate) return { partition, seq: stored.seq, duplicate: false };
    return {
      partition: await this.#partitionOfSeq(subject, stored.seq, partition),
      seq: stored.seq,
      duplicate: true,
    };
  }

  async *read(subject: string, partition: number, fromSeq: number): AsyncGenerator<Envelope<Uint8Array>> {
    this.#assertOpen('read');
    if (!Number.isInteger(fromSeq) || fromSeq < 1) {
      throw new RangeError(`fromSeq must be an integer >= 1, got ${fromSeq}`);
    }
    const info = await this.#topicStream(subject);
    checkPartition(subject, partition, eddyPartitions(subject, info));
    yield* readPartition(this.#js, info, subject, partition, fromSeq);
  }

  async pending(subject: string, partition: number, afterSeq: number): Promise<number> {
    this.#assertOpen('pending');
    checkAfterSeq(afterSeq);
    const info = await this.#topicStream(subject);
    checkPartition(subject, partition, eddyPartitions(subject, info));
    return pendingInPartition(this.#js, info, subject, partition, afterSeq);
  }

  consume(subject: string, partition: number, options: ConsumerOptions): Consumer {
    checkConsumerOptions(options);
    const name = `${streamName(subject)}/${consumerName(options.durable, partition)}`;
    const previous = this.#closed ? undefined : this.#consumers.get(name);
    // Replaced in this process: end it now rather than when JetStream reports its consumer deleted.
    void previous?.close();
    const context: ConsumerContext = {
      nc: this.#nc,
      requests: this.#requestBatcher(),
      js: this.#js,
      jsm: () => this.#manager(),
      options: this.#options,
      checkPartition: async () => {
        this.#assertOpen('consume');
        checkPartition(subject, partition, await this.partitions(subject));
      },
    };
    const consumer =
      options.acks === 'none'
        ? new JetStreamOrderedConsumer(context, subject, partition, options)
        : new JetStreamConsumer(context, subject, partition, options, previous?.ready ?? Promise.resolve());
    if (!this.#closed) this.#consumers.set(name, consumer);
    return {
      [Symbol.asyncIterator]: () => consumer[Symbol.asyncIterator](),
      close: async () => {
        if (this.#consumers.get(name) === consumer) this.#consumers.delete(name);
        await consumer.close();
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const consumers = [...this.#consumers.values()];
    this.#consumers.clear();
    await Promise.all(consumers.map((c) => c.close()));
    // Acks and appends already sent get their answer (or time out) before the subscription goes.
    await this.#requests?.settled();
    this.#requests?.close();
    if (this.#ownsConnection && !this.#nc.isClosed()) await this.#nc.drain();
  }

  /** NATS refuses a message over the server's max_payload, headers included. */
  #checkSize(subject: string, bytes: number): void {
    const max = this.#nc.info?.max_payload;
    if (max !== undefined && bytes > max) {
      throw new PayloadTooLargeError(subject, bytes, max, "the NATS server's max_payload");
    }
  }

  /**
   * Where the record with stream sequence `seq` lives. A duplicate's PubAck
   * names the first record's sequence, which may be in another partition when
   * the duplicate carried another key.
   */
  async #partitionOfSeq(subject: string, seq: number, fallback: number): Promise<number> {
    try {
      const stored = await (await this.#manager()).streams.getMessage(streamName(subject), { seq });
      const partition = Number(stored?.subject.slice(subject.length + 1));
      return Number.isInteger(partition) ? partition : fallback;
    } catch {
      // The first record may be gone (max age) while its msgId is still remembered.
      return fallback;
    }
  }

  async #topicStream(subject: string): Promise<StreamInfo> {
    const info = await streamInfo(await this.#manager(), streamName(subject));
    if (info === undefined) throw new TopicNotFoundError(subject);
    return info;
  }

  #requestBatcher(): RequestBatcher {
    this.#requests ??= new RequestBatcher(this.#nc, this.#options.inboxPrefix);
    return this.#requests;
  }

  #manager(): Promise<JetStreamManager> {
    this.#jsm ??= jetstreamManager(this.#nc).catch((error: unknown) => {
      this.#jsm = undefined;
      throw error;
    });
    return this.#jsm;
  }

  /** Consumers recover on their own after a reconnect; this says why they paused. */
  async #watchConnection(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (this.#closed) break;
      if (status.type === 'disconnect') {
        this.#options.logger.warn(
          { server: redactText(status.server) },
          'NATS connection lost; reconnecting',
        );
      } else if (status.type === 'reconnect') {
        this.#options.logger.warn({ server: redactText(status.server) }, 'NATS connection re-established');
      }
    }
  }

  #assertOpen(operation: string): void {
    if (this.#closed) throw new LogClosedError(operation);
  }

  /** Stream metadata exists from nats-server 2.10; older servers keep the count in the description only. */
  #supportsMetadata(): boolean {
    const [major = 0, minor = 0] = (this.#nc.info?.version ?? '0.0').split('.').map(Number);
    return major > 2 || (major === 2 && minor >= 10);
  }
}
