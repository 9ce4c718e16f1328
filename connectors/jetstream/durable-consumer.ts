import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiCodes,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { hasDefect } from '../../core/defects.ts';
import type { Consumer, ConsumerOptions, Delivery } from '../../core/log/log.ts';
import { JetStreamDelivery } from './delivery.ts';
import { apiCode } from './ensure-stream.ts';
import { ConsumerConnectionClosedError } from './errors.ts';
import type { ResolvedJetStreamLogOptions } from './jetstream-log-options.ts';
import { consumerName, partitionSubject, streamName } from './names.ts';
import { toEnvelope } from './record-codec.ts';
import type { RequestBatcher } from './request-batcher.ts';
import { UnackedTracker } from './unacked-tracker.ts';

const NANOS_PER_MS = 1_000_000;
const MAX_RECOVERY_DELAY_MS = 30_000;
/** nats-server: "start sequence can not be updated" — a consumer of that name already exists elsewhere. */
const CONSUMER_EXISTS_DIFFERENTLY = 10012;
const TAKEOVER_ATTEMPTS = 5;

/** What a durable consumer needs from its log. */
export interface ConsumerContext {
  readonly nc: NatsConnection;
  readonly requests: RequestBatcher;
  readonly js: JetStreamClient;
  readonly jsm: () => Promise<JetStreamManager>;
  readonly options: ResolvedJetStreamLogOptions;
  /** Resolves once the partition is known to exist; rejects with a typed error otherwise. */
  readonly checkPartition: () => Promise<void>;
}

/**
 * A durable pull consumer of one partition. Creating it takes the durable name
 * over: the JetStream consumer is deleted and re-created at `fromSeq`, because
 * nats-server 2.9 cannot reset a consumer and redelivery order is not
 * guaranteed. Each incarnation carries a random owner token in its
 * description, so a consumer that lost its JetStream consumer can tell "taken
 * over by another `consume`" (it ends) from "deleted or lost" (it re-creates the
 * consumer at the first sequence its caller has not acknowledged, which may
 * redeliver records: the caller skips what it already applied).
 *
 * Deliveries lost on the way (the server counts them delivered, but they died
 * with the connection when NATS restarted) would come back only after the ack
 * wait, behind newer records of the same keys, which the caller would apply
 * first and then skip the old ones as already applied. So a session that saw
 * the connection drop, or a jump in the consumer sequence (which counts every
 * delivery, redeliveries too), ends without handing out anything newer, and
 * the consumer is re-created at the first unacknowledged sequence.
 */
export class JetStreamConsumer implements Consumer {
  readonly #ctx: ConsumerContext;
  readonly #subject: string;
  readonly #partition: number;
  readonly #options: ConsumerOptions;
  readonly #stream: string;
  readonly #name: string;
  readonly #description: string;
  readonly #tracker: UnackedTracker;
  readonly #ready: Promise<ConsumerInfo>;
  readonly #iterator: AsyncGenerator<Delivery>;
  #messages: ConsumerMessages | undefined;
  #session: Session | undefined;
  /** Consumer sequence of the last delivery from the current JetStream consumer; 0 once (re-)created. */
  #lastDeliverySeq = 0;
  #stopWatching: (() => void) | undefined;
  #closed = false;
  #wake: (() => void) | undefined;

  /** `previous`: the takeover of the same name this one must wait for (same process). */
  constructor(
    ctx: ConsumerContext,
    subject: string,
    partition: number,
    options: ConsumerOptions,
    previous: Promise<unknown>,
  ) {
    this.#ctx = ctx;
    this.#subject = subject;
    this.#partition = partition;
    this.#options = options;
    this.#stream = streamName(subject);
    this.#name = consumerName(options.durable, partition);
    this.#description = `eddy consumer "${options.durable}" of "${subject}" partition ${partition}, owner ${randomUUID()}`;
    this.#tracker = new UnackedTracker(options.fromSeq);
    this.#ready = previous.catch(() => {}).then(() => this.#takeOver());
    // Surfaced on iteration; an unobserved rejection must not crash the process meanwhile.
    this.#ready.catch(() => {});
    this.#iterator = this.#run();
    void this.#watchConnection();
  }

  /** Settles once the JetStream consumer exists (or could not be created). */
  get ready(): Promise<unknown> {
    return this.#ready;
  }

  [Symbol.asyncIterator](): AsyncIterator<Delivery> {
    return this.#iterator;
  }

  /**
   * Stops pulling. Does not wait for the iterator to drain (nobody may be
   * iterating); records buffered but not yet handed out stay unacknowledged.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    this.#messages?.stop();
    this.#stopWatching?.();
  }

  async #takeOver(): Promise<ConsumerInfo> {
    await this.#ctx.checkPartition();
    const jsm = await this.#ctx.jsm();
    for (let attempt = 1; ; attempt++) {
      await deleteConsumer(jsm, this.#stream, this.#name);
      try {
        const created = await jsm.consumers.add(this.#stream, this.#config(this.#options.fromSeq));
        this.#lastDeliverySeq = 0;
        return created;
      } catch (error) {
        // A stale owner re-created it between our delete and add: delete again.
        if (apiCode(error) !== CONSUMER_EXISTS_DIFFERENTLY || attempt >= TAKEOVER_ATTEMPTS) throw error;
      }
    }
  }

  #config(fromSeq: number): Partial<ConsumerConfig> {
    const maxAckPending = this.#options.maxAckPending ?? 1_000;
    return {
      durable_name: this.#name,
      description: this.#description,
      filter_subject: partitionSubject(this.#subject, this.#partition),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: fromSeq,
      ack_wait: (this.#options.ackWaitMs ?? 30_000) * NANOS_PER_MS,
      max_ack_pending: maxAckPending,
    };
  }

  async *#run(): AsyncGenerator<Delivery> {
    try {
      let info: ConsumerInfo | undefined = await this.#ready;
      let failures = 0;
      while (info !== undefined && !this.#closed) {
        const session = await this.#open(info);
        if (session === undefined) return;
        let delivered = false;
        let trouble: unknown;
        try {
          for await (const msg of session.messages) {
            if (this.#closed || session.vanished || session.lost !== undefined) break;
            const deliverySeq = msg.info.deliverySequence;
            if (deliverySeq > this.#lastDeliverySeq + 1 && !hasDefect('no-sequence-gap-check')) {
              session.lost = `the consumer sequence jumped from ${this.#lastDeliverySeq} to ${deliverySeq}`;
              break;
            }
            // A lower one: the server restarted from older consumer state and redelivers; follow it.
            this.#lastDeliverySeq = deliverySeq;
            delivered = true;
            yield this.#deliver(msg);
          }
        } catch (error) {
          trouble = error;
        } finally {
          session.messages.stop();
          this.#session = undefined;
        }
        if (this.#closed) return;
        if (delivered) failures = 0;
        if (session.lost !== undefined) {
          this.#warn(
            { why: session.lost },
            'JetStream deliveries may have been lost in transit; re-creating the consumer',
          );
        } else if (!session.vanished) {
          this.#warn(
            { error: describe(trouble) },
            'JetStream consumer stopped delivering; reconnecting to it',
          );
        }
        info = await this.#recover(failures++, session.lost !== undefined);
      }
    } finally {
      this.#closed = true;
      this.#messages?.stop();
      this.#stopWatching?.();
    }
  }

  /** Ends the current session when the connection drops: what was in flight on it may be lost. */
  async #watchConnection(): Promise<void> {
    const status = this.#ctx.nc.status();
    this.#stopWatching = () => stopIterator(status);
    if (this.#closed) this.#stopWatching();
    for await (const s of status) {
      if (this.#closed) break;
      const session = this.#session;
      if (
        s.type === 'disconnect' &&
        session !== undefined &&
        session.lost === undefined &&
        !hasDefect('no-disconnect-watcher')
      ) {
        session.lost = 'the connection to NATS was lost';
        session.messages.stop();
      }
    }
  }

  /** Starts pulling from the consumer; `vanished` turns true when JetStream reports it gone. */
  async #open(info: ConsumerInfo): Promise<Session | undefined> {
    const consumer = this.#ctx.js.consumers.getConsumerFromInfo(info);
    const maxAckPending = this.#options.maxAckPending ?? 1_000;
    const messages = await consumer.consume({
      max_messages: Math.min(this.#ctx.options.pullBatch, maxAckPending),
    });
    this.#messages = messages;
    if (this.#closed) {
      messages.stop();
      return undefined;
    }
    const state: Session = { messages, vanished: false, lost: undefined };
    this.#session = state;
    const vanish = (why: string): void => {
      if (state.vanished) return;
      state.vanished = true;
      this.#warn({ why }, 'JetStream consumer vanished; checking whether it was taken over');
      messages.stop();
    };
    // A deletion between two pulls reaches no waiting pull, so nats.js would only
    // notice it after two missed heartbeats (30 s); the server's advisory is immediate.
    const advisory = this.#ctx.nc.subscribe(
      `$JS.EVENT.ADVISORY.CONSUMER.DELETED.${this.#stream}.${this.#name}`,
      {
        callback: () => vanish('deleted'),
      },
    );
    void messages.closed().finally(() => advisory.unsubscribe());
    void (async () => {
      for await (const status of messages.status()) {
        // `no_responders`: a pull reached no consumer (or JetStream is briefly unavailable).
        if (
          status.type === 'consumer_deleted' ||
          status.type === 'consumer_not_found' ||
          status.type === 'stream_not_found' ||
          status.type === 'no_responders'
        ) {
          vanish(status.type);
          return;
        }
        if (status.type === 'heartbeats_missed') {
          this.#warn({ missed: status.count }, 'JetStream consumer missed heartbeats; re-pulling');
        }
      }
    })();
    return state;
  }

  #deliver(msg: JsMsg): Delivery {
    const envelope = toEnvelope(this.#subject, this.#partition, msg);
    this.#tracker.delivered(envelope.seq);
    return new JetStreamDelivery(envelope, msg, this.#ctx.requests, this.#ctx.options.ackTimeoutMs, (seq) =>
      this.#tracker.acked(seq),
    );
  }

  /**
   * After the consumer vanished or failed: resume it if it is still ours,
   * end if another `consume` took the name over, re-create it otherwise.
   * `recreate`: deliveries may have been lost, so even a consumer that is
   * still ours is deleted and created again at the first unacknowledged sequence.
   * Returns undefined when this consumer must end.
   */
  async #recover(failures: number, recreate: boolean): Promise<ConsumerInfo | undefined> {
    for (let attempt = failures; !this.#closed; attempt++) {
      await this.#sleep(Math.min(this.#ctx.options.recoveryDelayMs * 2 ** attempt, MAX_RECOVERY_DELAY_MS));
      if (this.#closed) return undefined;
      if (this.#ctx.nc.isClosed()) throw new ConsumerConnectionClosedError(this.#subject, this.#partition);
      try {
        const jsm = await this.#ctx.jsm();
        const existing = await consumerInfo(jsm, this.#stream, this.#name);
        const ours = existing !== undefined && existing.config.description === this.#description;
        if (ours && !recreate) return existing;
        if (ours) {
          await deleteConsumer(jsm, this.#stream, this.#name);
        } else if (existing !== undefined) {
          this.#warn(
            {},
            'JetStream consumer was taken over by another consume of the same durable name; stopping',
          );
          return undefined;
        }
        const seq = this.#tracker.resumeSeq();
        const created = await jsm.consumers.add(this.#stream, this.#config(seq));
        this.#lastDeliverySeq = 0;
        this.#warn({ seq }, 'JetStream consumer re-created at the first unacknowledged sequence');
        return created;
      } catch (error) {
        this.#warn({ error: describe(error) }, 'could not recover the JetStream consumer yet; retrying');
      }
    }
    return undefined;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
  }

  #warn(fields: Record<string, unknown>, msg: string): void {
    this.#ctx.options.logger.warn(
      {
        stream: this.#stream,
        consumer: this.#name,
        subject: this.#subject,
        partition: this.#partition,
        ...fields,
      },
      msg,
    );
  }
}

/** A pull session on the JetStream consumer, and why it ended if it did. */
interface Session {
  readonly messages: ConsumerMessages;
  /** JetStream reported the consumer gone. */
  vanished: boolean;
  /** Why deliveries may have been lost on the way; the consumer must be re-created. */
  lost: string | undefined;
}

/** nats.js types `status()` as a plain AsyncIterable; its iterator can be stopped while it waits. */
function stopIterator(iterable: AsyncIterable<unknown>): void {
  if ('stop' in iterable && typeof iterable.stop === 'function') iterable.stop();
}

async function deleteConsumer(jsm: JetStreamManager, stream: string, name: string): Promise<void> {
  try {
    await jsm.consumers.delete(stream, name);
  } catch (error) {
    if (apiCode(error) !== JetStreamApiCodes.ConsumerNotFound) throw error;
  }
}

async function consumerInfo(
  jsm: JetStreamManager,
  stream: string,
  name: string,
): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, name);
  } catch (error) {
    if (apiCode(error) === JetStreamApiCodes.ConsumerNotFound) return undefined;
    throw error;
  }
}

function describe(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
