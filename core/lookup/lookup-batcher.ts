import type { InvalidLookupRow, LookupTable } from './lookup-table.ts';

/**
 * Gathers the keys asked for while one batch is on its way, and asks the
 * table for all of them in one `getMany` (at most `maxKeys` at a time): under
 * load, the records of a micro-batch share a query. A key asked for twice
 * before its batch leaves is asked for once.
 */
export class LookupBatcher<V> {
  readonly #table: LookupTable<V>;
  readonly #maxKeys: number;
  readonly #onLoad: (keys: number, seconds: number, failed: boolean) => void;
  readonly #pending = new Map<
    string,
    { resolve: (v: V | InvalidLookupRow | undefined) => void; reject: (e: unknown) => void }[]
  >();
  #scheduled = false;

  constructor(
    table: LookupTable<V>,
    maxKeys: number,
    onLoad: (keys: number, seconds: number, failed: boolean) => void,
  ) {
    if (!Number.isInteger(maxKeys) || maxKeys < 1) {
      throw new RangeError(`batch.maxKeys must be a whole number of at least 1, got ${maxKeys}`);
    }
    this.#table = table;
    this.#maxKeys = maxKeys;
    this.#onLoad = onLoad;
  }

  get(key: string): Promise<V | InvalidLookupRow | undefined> {
    return new Promise((resolve, reject) => {
      const waiting = this.#pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.#pending.set(key, [{ resolve, reject }]);
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the records that are ready now have asked: they share the query.
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const all = [...this.#pending];
    this.#pending.clear();
    for (let i = 0; i < all.length; i += this.#maxKeys) void this.#load(all.slice(i, i + this.#maxKeys));
  }

  async #load(
    batch: [
      string,
      { resolve: (v: V | InvalidLookupRow | undefined) => void; reject: (e: unknown) => void }[],
    ][],
  ) {
    const started = performance.now();
    try {
      const found = await this.#table.getMany(batch.map(([key]) => key));
      this.#onLoad(batch.length, (performance.now() - started) / 1000, false);
      for (const [key, waiting] of batch) for (const w of waiting) w.resolve(found.get(key));
    } catch (error) {
      this.#onLoad(batch.length, (performance.now() - started) / 1000, true);
      for (const [, waiting] of batch) for (const w of waiting) w.reject(error);
    }
  }
}
