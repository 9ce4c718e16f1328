import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/transport-node';

const ACK = new TextEncoder().encode('+ACK');

/** What became of an ack: confirmed, or why not. */
export type AckOutcome = 'confirmed' | 'timeout' | 'no-consumer' | 'closed';

interface Waiting {
  readonly settle: (outcome: AckOutcome) => void;
  readonly deadline: number;
}

/**
 * Double acks for every consumer of a connection through one reply
 * subscription. nats.js's `ackAck` is a full request: a timer and an Error
 * object per ack, which halves consume throughput; here each ack is a publish
 * with a reply token, and one sweep expires the unanswered. Unlike `ackAck`,
 * an ack that timed out can be sent again: JetStream confirms repeated acks.
 */
export class AckConfirmations {
  readonly #nc: NatsConnection;
  readonly #inbox: string;
  readonly #timeoutMs: number;
  readonly #waiting = new Map<string, Waiting>();
  #subscription: Subscription | undefined;
  #sweeper: NodeJS.Timeout | undefined;
  #idle: (() => void)[] = [];
  #next = 0;

  constructor(nc: NatsConnection, inboxPrefix: string, timeoutMs: number) {
    this.#nc = nc;
    this.#inbox = createInbox(inboxPrefix);
    this.#timeoutMs = timeoutMs;
  }

  /** Acks the delivery whose ack subject is `ackSubject`; settles once JetStream answered or time ran out. */
  ack(ackSubject: string): Promise<AckOutcome> {
    this.#subscription ??= this.#nc.subscribe(`${this.#inbox}.*`, {
      callback: (_error, msg) => this.#settle(msg),
    });
    const token = (++this.#next).toString(36);
    return new Promise<AckOutcome>((settle) => {
      this.#waiting.set(token, { settle, deadline: Date.now() + this.#timeoutMs });
      this.#sweeper ??= setInterval(() => this.#sweep(), Math.max(50, this.#timeoutMs / 4)).unref();
      try {
        this.#nc.publish(ackSubject, ACK, { reply: `${this.#inbox}.${token}` });
      } catch {
        this.#waiting.delete(token);
        if (this.#waiting.size === 0) this.#stopSweeper();
        settle('closed');
      }
    });
  }

  /** Resolves once every ack sent so far was confirmed or timed out. */
  settled(): Promise<void> {
    if (this.#waiting.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  close(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    for (const w of this.#waiting.values()) w.settle('closed');
    this.#waiting.clear();
    this.#stopSweeper();
  }

  #settle(msg: Msg): void {
    const token = msg.subject.slice(this.#inbox.length + 1);
    const waiting = this.#waiting.get(token);
    if (waiting === undefined) return;
    this.#waiting.delete(token);
    // A status reply (503) means nobody listens on the ack subject: the consumer is gone.
    waiting.settle(msg.headers?.hasError ? 'no-consumer' : 'confirmed');
    if (this.#waiting.size === 0) this.#stopSweeper();
  }

  #sweep(): void {
    const now = Date.now();
    for (const [token, w] of this.#waiting) {
      if (w.deadline > now) continue;
      this.#waiting.delete(token);
      w.settle('timeout');
    }
    if (this.#waiting.size === 0) this.#stopSweeper();
  }

  #stopSweeper(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }
}
