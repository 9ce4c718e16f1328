import type { Consumer, ConsumerOptions, Delivery, Log } from '../index.ts';
import type { Fault } from './faults.ts';
import { SimulatedCrash } from './simulated-crash.ts';

/**
 * A Log whose consumers hand some deliveries over twice: at once (a duplicate)
 * or some deliveries later (a redelivery overtaken by newer messages, as
 * JetStream does after a timeout), and that loses some publishes: the record
 * never arrives and the publisher dies waiting (a `SimulatedCrash`).
 */
export class FaultyLog implements Log {
  readonly #inner: Log;
  readonly #faults: readonly Fault[];
  #deliveries = 0;
  #duplicates = 0;
  #publishes = 0;
  #lost = 0;

  /** How many publishes this log lost. */
  get lostPublishes(): number {
    return this.#lost;
  }

  /** How many extra deliveries this log handed over. */
  get duplicates(): number {
    return this.#duplicates;
  }

  constructor(inner: Log, faults: readonly Fault[]) {
    this.#inner = inner;
    this.#faults = faults;
  }

  consume(subject: string, partition: number, options: ConsumerOptions): Consumer {
    const inner = this.#inner.consume(subject, partition, options);
    const faults = this.#faults;
    const count = (): number => ++this.#deliveries;
    const duplicated = (): void => {
      this.#duplicates++;
    };
    async function* deliveries(): AsyncGenerator<Delivery> {
      const later: { due: number; delivery: Delivery }[] = [];
      let seen = 0;
      for await (const d of inner) {
        const n = count();
        seen++;
        yield d;
        if (faults.some((f) => f.kind === 'duplicate-delivery' && f.delivery === n)) {
          duplicated();
          yield d;
        }
        for (const f of faults) {
          if (f.kind === 'redelivery' && f.delivery === n) later.push({ due: seen + f.after, delivery: d });
        }
        for (let i = later.length - 1; i >= 0; i--) {
          const item = later[i];
          if (item && item.due <= seen) {
            later.splice(i, 1);
            duplicated();
            yield item.delivery;
          }
        }
      }
    }
    const iterator = deliveries();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        await inner.close();
      },
    };
  }

  ensureTopic: Log['ensureTopic'] = (config) => this.#inner.ensureTopic(config);
  partitions: Log['partitions'] = (subject) => this.#inner.partitions(subject);
  append: Log['append'] = async (subject, record) => {
    const n = ++this.#publishes;
    if (this.#faults.some((f) => f.kind === 'lost-publish' && f.publish === n)) {
      this.#lost++;
      throw new SimulatedCrash(`publish ${n} lost on the way; the publisher died waiting for its ack`);
    }
    return this.#inner.append(subject, record);
  };
  check: Log['check'] = (subject, record) => this.#inner.check(subject, record);
  read: Log['read'] = (subject, partition, fromSeq) => this.#inner.read(subject, partition, fromSeq);
  pending: Log['pending'] = (subject, partition, afterSeq) =>
    this.#inner.pending(subject, partition, afterSeq);
  close: Log['close'] = () => this.#inner.close();
}
