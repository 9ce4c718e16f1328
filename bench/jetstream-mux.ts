import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

/**
 * The hand-written loops' request path: every reply comes back on one
 * wildcard subscription, matched by a token, so a publish or an ackAck costs
 * one `nc.publish` and no per-request subscription, timer or Error. No
 * timeouts: the bench as a whole has a deadline.
 */
export class Mux {
  readonly #nc: NatsConnection;
  readonly #inbox = createInbox();
  readonly #waiting = new Map<string, (msg: Msg) => void>();
  readonly #subscription: Subscription;
  #next = 0;

  constructor(nc: NatsConnection) {
    this.#nc = nc;
    this.#subscription = nc.subscribe(`${this.#inbox}.*`, {
      callback: (_error, msg) => {
        const token = msg.subject.slice(this.#inbox.length + 1);
        const settle = this.#waiting.get(token);
        this.#waiting.delete(token);
        settle?.(msg);
      },
    });
  }

  request(subject: string, payload: Uint8Array, headers?: MsgHdrs): Promise<Msg> {
    const token = (++this.#next).toString(36);
    return new Promise((resolve) => {
      this.#waiting.set(token, resolve);
      const reply = `${this.#inbox}.${token}`;
      this.#nc.publish(subject, payload, headers === undefined ? { reply } : { reply, headers });
    });
  }

  close(): void {
    this.#subscription.unsubscribe();
  }
}

const decoder = new TextDecoder();

/** Throws unless `reply` is a PubAck that stored (or deduplicated) the message. */
export function checkPubAck(reply: Msg): void {
  if (reply.headers?.hasError) throw new Error(`publish failed: status ${reply.headers.code}`);
  const ack = JSON.parse(decoder.decode(reply.data)) as { seq?: number; error?: unknown };
  if (ack.error !== undefined || typeof ack.seq !== 'number') {
    throw new Error(`publish failed: ${decoder.decode(reply.data)}`);
  }
}
