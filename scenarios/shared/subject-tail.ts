import type { Log } from 'eddy';

const decoder = new TextDecoder();

/**
 * Reads a subject's new records on each `poll`, partition by partition, as
 * JSON (watermark control records skipped): how a pack watches its outputs
 * without consuming them.
 */
export class SubjectTail<T> {
  readonly #log: Log;
  readonly #subject: string;
  #last: number[] = [];

  constructor(log: Log, subject: string) {
    this.#log = log;
    this.#subject = subject;
  }

  /** The highest seq read per partition. */
  get lastSeqs(): readonly number[] {
    return this.#last;
  }

  /** Records appended since the last poll. */
  async poll(): Promise<T[]> {
    return (await this.pollEntries()).map((e) => e.value);
  }

  /** The same, with each record's key. */
  async pollEntries(): Promise<{ readonly key: string; readonly value: T }[]> {
    const partitions = await this.#log.partitions(this.#subject);
    while (this.#last.length < partitions) this.#last.push(0);
    const out: { key: string; value: T }[] = [];
    for (let p = 0; p < partitions; p++) {
      for await (const env of this.#log.read(this.#subject, p, (this.#last[p] ?? 0) + 1)) {
        this.#last[p] = env.seq;
        if (env.control !== undefined) continue;
        out.push({ key: env.key, value: JSON.parse(decoder.decode(env.payload)) as T });
      }
    }
    return out;
  }
}
