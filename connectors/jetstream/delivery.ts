import type { JsMsg } from '@nats-io/jetstream';
import type { Envelope } from '../../core/envelope.ts';
import type { Delivery } from '../../core/log/log.ts';
import { AckFailedError } from './errors.ts';
import type { RequestBatcher } from './request-batcher.ts';

const ACK = new TextEncoder().encode('+ACK');

type AckOutcome = 'confirmed' | 'timeout' | 'no-consumer' | 'closed';

/**
 * One JetStream delivery. `ack` is a double ack: it resolves only once the
 * server confirmed it, and rejects with `AckFailedError` when no confirmation
 * comes within the ack timeout or the consumer is gone. It never resolves on a
 * guess; an unconfirmed record stays pending and is delivered again, which a
 * consumer that skips what it already applied absorbs. Calling `ack` again
 * after a failure sends the ack again.
 */
export class JetStreamDelivery implements Delivery {
  readonly envelope: Envelope<Uint8Array>;
  readonly deliveryCount: number;
  readonly #msg: JsMsg;
  readonly #requests: RequestBatcher;
  readonly #timeoutMs: number;
  readonly #onAcked: (seq: number) => void;
  #acked: Promise<void> | undefined;

  constructor(
    envelope: Envelope<Uint8Array>,
    msg: JsMsg,
    requests: RequestBatcher,
    timeoutMs: number,
    onAcked: (seq: number) => void,
  ) {
    this.envelope = envelope;
    this.deliveryCount = msg.info.deliveryCount;
    this.#msg = msg;
    this.#requests = requests;
    this.#timeoutMs = timeoutMs;
    this.#onAcked = onAcked;
  }

  ack(): Promise<void> {
    this.#acked ??= this.#ackOnce();
    return this.#acked;
  }

  working(): void {
    this.#msg.working();
  }

  async #ackOnce(): Promise<void> {
    const outcome = await this.#send();
    if (outcome === 'confirmed') {
      this.#onAcked(this.envelope.seq);
      return;
    }
    this.#acked = undefined;
    const { subject, partition, seq } = this.envelope;
    throw new AckFailedError(subject, partition, seq, REASONS[outcome](this.#timeoutMs));
  }

  async #send(): Promise<AckOutcome> {
    const msg = this.#msg;
    // JsMsgImpl exposes the ack subject; the ackAck fallback covers any other JsMsg.
    if ('reply' in msg && typeof msg.reply === 'string' && msg.reply !== '') {
      const outcome = await this.#requests.request(msg.reply, ACK, this.#timeoutMs);
      if (outcome.kind === 'no-responders') return 'no-consumer';
      // An ack is a few bytes: the client refuses it only while it is closing.
      if (outcome.kind === 'refused') return 'closed';
      if (outcome.kind !== 'reply') return outcome.kind;
      // Any status header on the reply (503 included) means no consumer took the ack.
      return outcome.msg.headers?.hasError ? 'no-consumer' : 'confirmed';
    }
    try {
      return (await msg.ackAck({ timeout: this.#timeoutMs })) ? 'confirmed' : 'closed';
    } catch {
      return 'timeout';
    }
  }
}

const REASONS: Readonly<Record<Exclude<AckOutcome, 'confirmed'>, (timeoutMs: number) => string>> = {
  timeout: (ms) => `no confirmation within ${ms} ms`,
  'no-consumer': () => 'its consumer no longer exists',
  closed: () => 'the connection or log was closed',
};
