import type { Log } from '../../core/log/log.ts';

/** One record read back from a topic, payload parsed. */
export interface ReadRecord {
  readonly partition: number;
  readonly seq: number;
  readonly msgId: string;
  readonly key: string;
  readonly payload: unknown;
}

/**
 * Follows every partition of a topic: each `poll` appends what was stored
 * since the last one. A poll that fails (NATS restarting) keeps what it read
 * and the next one goes on from there.
 *
 * @example
 * const tail = new TopicTail(log, 'chaos-out', 4);
 * await tail.poll();
 * console.log(tail.records.length);
 */
export class TopicTail {
  readonly records: ReadRecord[] = [];
  readonly #log: Log;
  readonly #subject: string;
  readonly #last: number[];

  constructor(log: Log, subject: string, partitions: number) {
    this.#log = log;
    this.#subject = subject;
    this.#last = new Array<number>(partitions).fill(0);
  }

  /** Reads what is new; resolves the number of records read. */
  async poll(): Promise<number> {
    const decoder = new TextDecoder();
    let read = 0;
    for (let p = 0; p < this.#last.length; p++) {
      for await (const env of this.#log.read(this.#subject, p, (this.#last[p] ?? 0) + 1)) {
        this.records.push({
          partition: p,
          seq: env.seq,
          msgId: env.id,
          key: env.key,
          payload: JSON.parse(decoder.decode(env.payload)),
        });
        this.#last[p] = env.seq;
        read++;
      }
    }
    return read;
  }
}
