import type { Envelope } from '../envelope.ts';

/**
 * One partition of an in-memory topic: its records in append order, with
 * contiguous sequences from 1 (the record of `seq` sits at index `seq - 1`),
 * and the consumers to wake when a record arrives.
 */
export class MemoryPartition {
  readonly #records: Envelope<Uint8Array>[] = [];
  readonly #listeners = new Set<() => void>();

  /** The sequence of the last record, 0 while empty. */
  get lastSeq(): number {
    return this.#records.length;
  }

  /** The sequence the next append gets. */
  get nextSeq(): number {
    return this.#records.length + 1;
  }

  /** The record stored at `seq`, if any. */
  at(seq: number): Envelope<Uint8Array> | undefined {
    return this.#records[seq - 1];
  }

  push(envelope: Envelope<Uint8Array>): void {
    this.#records.push(envelope);
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` after every append until the returned function is called. */
  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
