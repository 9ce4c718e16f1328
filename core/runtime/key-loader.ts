import type { ActorRecord, Store } from '../store/store.ts';
import type { AnyActor } from './program.ts';

/** How a partition loads keys: in batches, a few at once. */
export interface KeyLoaderOptions {
  /** Keys per statement. */
  readonly maxKeys: number;
  /** Batches on their way at once. */
  readonly maxInFlight: number;
}

/** Keys per load statement and statements at once per partition: see `KeyLoader`. */
export const KEY_LOADS: KeyLoaderOptions = { maxKeys: 256, maxInFlight: 2 };

type Waiting = { resolve: (records: readonly ActorRecord[]) => void; reject: (error: unknown) => void };

/**
 * Loads the keys a partition meets in batches: the keys asked for while the
 * records that are ready now run go out together, at most `maxKeys` per
 * batch, at most `maxInFlight` batches at once; the rest wait their turn in
 * arrival order. A statement costs the database about the same whatever the
 * number of keys in it, so a restart or a burst of new keys loads at the
 * rate of batches, not of keys — and a partition meeting thousands of new
 * keys never puts thousands of loads in front of its own commits and lease
 * renewals (PGlite runs one statement at a time, a pg pool a few; a renewal
 * stuck behind seconds of loads lets the lease run out).
 *
 * @example
 * const loader = new KeyLoader((keys) => loadAll(keys), KEY_LOADS);
 * const [counter] = await loader.load('alice'); // one record per actor of the program
 */
export class KeyLoader {
  readonly #loadAll: (keys: readonly string[]) => Promise<readonly (readonly ActorRecord[])[]>;
  readonly #o: KeyLoaderOptions;
  readonly #pending = new Map<string, Waiting[]>();
  #inFlight = 0;
  #scheduled = false;

  constructor(
    loadAll: (keys: readonly string[]) => Promise<readonly (readonly ActorRecord[])[]>,
    options: KeyLoaderOptions,
  ) {
    this.#loadAll = loadAll;
    this.#o = options;
  }

  /** The key's record of each actor of the program, by index. */
  load(key: string): Promise<readonly ActorRecord[]> {
    return new Promise((resolve, reject) => {
      const waiting = this.#pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.#pending.set(key, [{ resolve, reject }]);
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After the records that are ready now have asked: they share the statement.
        setImmediate(() => {
          this.#scheduled = false;
          this.#flush();
        });
      }
    });
  }

  #flush(): void {
    while (this.#inFlight < this.#o.maxInFlight && this.#pending.size > 0) {
      const batch: [string, Waiting[]][] = [];
      for (const entry of this.#pending) {
        batch.push(entry);
        this.#pending.delete(entry[0]);
        if (batch.length === this.#o.maxKeys) break;
      }
      this.#inFlight++;
      this.#loadAll(batch.map(([key]) => key)).then(
        (records) => {
          batch.forEach(([, waiting], i) => {
            for (const w of waiting) w.resolve(records[i] ?? []);
          });
          this.#done();
        },
        (error: unknown) => {
          for (const [, waiting] of batch) for (const w of waiting) w.reject(error);
          this.#done();
        },
      );
    }
  }

  #done(): void {
    this.#inFlight--;
    this.#flush();
  }
}

/** The loader of a partition of a program: each batch is one `loadMany` per actor. */
export function programLoader(
  store: Store,
  actors: readonly AnyActor[],
  stage: string,
  partition: number,
): KeyLoader {
  return new KeyLoader(async (keys) => {
    const byActor = await Promise.all(actors.map((def) => store.loadMany(def.name, keys, stage, partition)));
    return keys.map((_, i) => byActor.map((records) => records[i] as ActorRecord));
  }, KEY_LOADS);
}
