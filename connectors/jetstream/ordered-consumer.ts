import { randomBytes } from 'node:crypto';
import {
  type ConsumerMessages,
  DeliverPolicy,
  type Consumer as JsConsumer,
  type JsMsg,
  RetentionPolicy,
} from '@nats-io/jetstream';
import type { Subscription } from '@nats-io/transport-node';
import { AcklessDelivery } from '../../core/log/ackless-delivery.ts';
import type { Consumer, ConsumerOptions, Delivery } from '../../core/log/log.ts';
import type { ConsumerContext } from './durable-consumer.ts';
import { AcklessConsumerRetentionError, ConsumerConnectionClosedError } from './errors.ts';
import { consumerName, partitionSubject, streamName } from './names.ts';
import { toEnvelope } from './record-codec.ts';

/** What an ordered consumer needs from its log (no acks, so no request batcher). */
export type OrderedConsumerContext = Pick<
  ConsumerContext,
  'nc' | 'js' | 'jsm' | 'options' | 'checkPartition'
>;

const DEFAULT_MAX_ACK_PENDING = 1_000;
/** How long one pull waits on an idle partition before it is renewed (nats.js default). */
const FETCH_EXPIRES_MS = 30_000;
const MAX_RECOVERY_DELAY_MS = 30_000;

/**
 * A consumer with `acks: 'none'`: a JetStream ordered consumer (ephemeral,
 * ack-less, in-memory, re-created by nats.js at the next sequence when it sees
 * a gap, and by this class when it fails or vanishes) from `fromSeq`.
 *
 * An ack-less consumer has no server-side `max_ack_pending`, so the bound
 * lives here: each pull asks for at most the room left under `maxAckPending`
 * (deliveries handed out and not yet `ack()`ed, which costs no I/O), so
 * nothing beyond that is ever buffered in the client.
 */
export class JetStreamOrderedConsumer implements Consumer {
  readonly #ctx: OrderedConsumerContext;
  readonly #subject: string;
  readonly #partition: number;
  readonly #stream: string;
  readonly #namePrefix: string;
  readonly #limit: number;
  /** A pull waits for this much room, so acks one at a time do not turn into one-message pulls. */
  readonly #refill: number;
  readonly #ready: Promise<void>;
  readonly #iterator: AsyncGenerator<Delivery>;
  #next: number;
  #outstanding = 0;
  #consumer: JsConsumer | undefined;
  #messages: ConsumerMessages | undefined;
  #advisories: Subscription | undefined;
  /** Resolves the wait for room (`#room`) or the pause before a re-creation (`#sleep`). */
  #roomWaiter: (() => void) | undefined;
  #sleepWaiter: (() => void) | undefined;
  #closed = false;

  constructor(ctx: OrderedConsumerContext, subject: string, partition: number, options: ConsumerOptions) {
    this.#ctx = ctx;
    this.#subject = subject;
    this.#partition = partition;
    this.#stream = streamName(subject);
    this.#namePrefix = `${consumerName(options.durable, partition)}_o${randomBytes(4).toString('hex')}`;
    this.#limit = options.maxAckPending ?? DEFAULT_MAX_ACK_PENDING;
    this.#refill = Math.max(1, Math.floor(Math.min(ctx.options.pullBatch, this.#limit) / 4));
    this.#next = options.fromSeq;
    this.#ready = this.#checkTopic();
    // Surfaced on iteration; an unobserved rejection must not crash the process meanwhile.
    this.#ready.catch(() => {});
    this.#iterator = this.#run();
  }

  /** Settles once the topic was checked; a replacing `consume` of the same name waits for it. */
  get ready(): Promise<unknown> {
    return this.#ready;
  }

  [Symbol.asyncIterator](): AsyncIterator<Delivery> {
    return this.#iterator;
  }

  /** Stops pulling and deletes the ephemeral JetStream consumer (it would expire on its own). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#roomWaiter?.();
    this.#sleepWaiter?.();
    this.#messages?.stop();
    this.#advisories?.unsubscribe();
    await this.#dropConsumer();
  }

  async #checkTopic(): Promise<void> {
    await this.#ctx.checkPartition();
    const info = await (await this.#ctx.jsm()).streams.info(this.#stream);
    if (info.config.retention !== RetentionPolicy.Limits) {
      throw new AcklessConsumerRetentionError(this.#subject, this.#stream, info.config.retention);
    }
  }

  async *#run(): AsyncGenerator<Delivery> {
    try {
      await this.#ready;
      this.#watchDeletions();
      let failures = 0;
      while (!this.#closed) {
        await this.#room();
        if (this.#closed) return;
        let delivered = false;
        try {
          const messages = await (await this.#open()).fetch({
            max_messages: Math.min(this.#ctx.options.pullBatch, this.#limit - this.#outstanding),
            expires: FETCH_EXPIRES_MS,
          });
          this.#messages = messages;
          if (this.#closed) {
            messages.stop();
            return;
          }
          for await (const msg of messages) {
            if (this.#closed) return;
            // A re-created consumer starts at #next; anything older was already handed out.
            if (msg.seq < this.#next) continue;
            delivered = true;
            yield this.#deliver(msg);
          }
        } catch (error) {
          if (this.#closed) return;
          if (this.#ctx.nc.isClosed())
            throw new ConsumerConnectionClosedError(this.#subject, this.#partition);
          this.#warn(
            { error: describe(error), seq: this.#next },
            'JetStream ordered consumer failed; re-creating it at the next sequence',
          );
          await this.#dropConsumer();
          if (delivered) failures = 0;
          await this.#sleep(
            Math.min(this.#ctx.options.recoveryDelayMs * 2 ** failures++, MAX_RECOVERY_DELAY_MS),
          );
          continue;
        }
        if (this.#ctx.nc.isClosed()) throw new ConsumerConnectionClosedError(this.#subject, this.#partition);
        if (delivered) failures = 0;
      }
    } finally {
      await this.close();
    }
  }

  /** The ordered consumer to pull from, created at the next sequence to deliver when there is none. */
  async #open(): Promise<JsConsumer> {
    this.#consumer ??= await this.#ctx.js.consumers.get(this.#stream, {
      name_prefix: this.#namePrefix,
      filter_subjects: partitionSubject(this.#subject, this.#partition),
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: this.#next,
    });
    return this.#consumer;
  }

  /**
   * A pull to a consumer that no longer exists gets no answer from nats-server
   * 2.9, so nats.js would only notice after two missed heartbeats (30 s);
   * the deletion advisory is immediate. The consumer's name changes when
   * nats.js re-creates it, so the whole stream's deletions are watched.
   */
  #watchDeletions(): void {
    if (this.#closed) return;
    this.#advisories = this.#ctx.nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.DELETED.${this.#stream}.*`, {
      callback: (_error, msg) => {
        const deleted = msg.subject.slice(msg.subject.lastIndexOf('.') + 1);
        const consumer = this.#consumer;
        if (!deleted.startsWith(this.#namePrefix) || consumer === undefined) return;
        void consumer.info(true).then((info) => {
          if (info.name !== deleted || this.#consumer !== consumer) return;
          // Gone: the next pull needs a new one, and a pull waiting on this one never ends.
          this.#consumer = undefined;
          this.#messages?.stop(new Error(`consumer ${deleted} was deleted`));
        }, ignore);
      },
    });
  }

  async #dropConsumer(): Promise<void> {
    const consumer = this.#consumer;
    this.#consumer = undefined;
    if (consumer === undefined || this.#ctx.nc.isClosed()) return;
    await consumer.delete().catch(() => {});
  }

  #deliver(msg: JsMsg): Delivery {
    this.#next = msg.seq + 1;
    this.#outstanding++;
    return new AcklessDelivery(toEnvelope(this.#subject, this.#partition, msg), this.#release);
  }

  readonly #release = (): void => {
    this.#outstanding--;
    if (this.#limit - this.#outstanding >= this.#refill) this.#roomWaiter?.();
  };

  /** Resolves once a pull of at least `#refill` records fits under the limit, or on close. */
  async #room(): Promise<void> {
    while (!this.#closed && this.#limit - this.#outstanding < this.#refill) {
      await new Promise<void>((resolve) => {
        this.#roomWaiter = resolve;
      });
      this.#roomWaiter = undefined;
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#sleepWaiter = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#sleepWaiter = done;
    });
  }

  #warn(fields: Record<string, unknown>, msg: string): void {
    this.#ctx.options.logger.warn(
      { stream: this.#stream, subject: this.#subject, partition: this.#partition, ...fields },
      msg,
    );
  }
}

function ignore(): void {}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
