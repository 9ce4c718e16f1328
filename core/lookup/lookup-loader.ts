import { UnavailableError } from '../errors/unavailable-error.ts';
import type { LookupMetrics } from '../metrics/lookup-metrics.ts';
import { LookupBatcher } from './lookup-batcher.ts';
import { type Cached, LookupCache } from './lookup-cache.ts';
import { InvalidLookupRow, type LookupTable } from './lookup-table.ts';

export interface LoaderOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  readonly missingTtlMs: number;
  readonly batchKeys: number;
  /** Full-reload mode: the whole table, read again this often. */
  readonly reloadEveryMs: number | undefined;
  readonly metrics: LookupMetrics | undefined;
}

const MISSING: Cached<never> = { found: false };

/**
 * Answers lookups of one table: from the cache, else through the batcher (one
 * query for the keys of a micro-batch); in full-reload mode, from the last
 * complete read of the table. A failed query is an `UnavailableError`: the
 * table's trouble, not the record's.
 */
export class LookupLoader<V> {
  readonly #table: LookupTable<V>;
  readonly #cache: LookupCache<V>;
  readonly #batcher: LookupBatcher<V>;
  readonly #metrics: LookupMetrics | undefined;
  readonly #reloadEveryMs: number | undefined;
  #snapshot: { readonly rows: ReadonlyMap<string, V | InvalidLookupRow>; readonly at: number } | undefined;
  #firstLoad: Promise<ReadonlyMap<string, V | InvalidLookupRow>> | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** A lookup came since the last read: keep reloading. */
  #used = false;

  constructor(table: LookupTable<V>, options: LoaderOptions) {
    this.#table = table;
    this.#metrics = options.metrics;
    this.#cache = new LookupCache({
      maxEntries: options.maxEntries,
      ttlMs: options.ttlMs,
      missingTtlMs: options.missingTtlMs,
    });
    this.#batcher = new LookupBatcher(table, options.batchKeys, (_keys, seconds, failed) =>
      this.#loaded(seconds, failed),
    );
    this.#reloadEveryMs = options.reloadEveryMs;
    if (
      options.reloadEveryMs !== undefined &&
      !(Number.isFinite(options.reloadEveryMs) && options.reloadEveryMs > 0)
    ) {
      throw new RangeError(`reloadEveryMs must be a positive number of ms, got ${options.reloadEveryMs}`);
    }
    if (options.reloadEveryMs !== undefined && !table.all) {
      throw new TypeError(
        `table "${table.name}" cannot be read whole (it has no all()): leave out reloadEveryMs`,
      );
    }
  }

  /** The answer for `key`: at once when it is known, else once the table answered. */
  get(key: string): Cached<V> | Promise<Cached<V>> {
    if (this.#reloadEveryMs !== undefined) return this.#fromSnapshot(key);
    const cached = this.#cache.get(key);
    if (cached) {
      this.#metrics?.hits.inc({ table: this.#table.name });
      return cached;
    }
    this.#metrics?.misses.inc({ table: this.#table.name });
    return this.#batcher.get(key).then(
      (value) => {
        const answer = cachedOf(value);
        this.#cache.set(key, answer);
        return answer;
      },
      (error: unknown) => {
        throw new UnavailableError(`lookup table "${this.#table.name}"`, { cause: error });
      },
    );
  }

  #fromSnapshot(key: string): Cached<V> | Promise<Cached<V>> {
    this.#used = true;
    const answer = (snapshot: ReadonlyMap<string, V | InvalidLookupRow>): Cached<V> =>
      cachedOf(snapshot.get(key));
    if (this.#snapshot) {
      this.#metrics?.hits.inc({ table: this.#table.name });
      return answer(this.#snapshot.rows);
    }
    this.#metrics?.misses.inc({ table: this.#table.name });
    this.#firstLoad ??= this.#reload().finally(() => {
      this.#firstLoad = undefined;
    });
    return this.#firstLoad.then(answer, (error: unknown) => {
      throw new UnavailableError(`lookup table "${this.#table.name}"`, { cause: error });
    });
  }

  /**
   * Reads the whole table, then again `reloadEveryMs` after each read ends (never
   * two at once) while lookups keep coming; idle, it stops and forgets the table,
   * so a pipeline that stopped leaves no timer behind. A failed read keeps the last
   * one for up to three periods, then lookups wait for a fresh one (and fail with
   * the table while it cannot be read).
   */
  async #reload(): Promise<ReadonlyMap<string, V | InvalidLookupRow>> {
    const started = performance.now();
    try {
      const rows = await (this.#table.all as () => Promise<ReadonlyMap<string, V | InvalidLookupRow>>)();
      this.#loaded((performance.now() - started) / 1000, false);
      this.#snapshot = { rows, at: Date.now() };
      return rows;
    } catch (error) {
      this.#loaded((performance.now() - started) / 1000, true);
      const every = this.#reloadEveryMs as number;
      if (this.#snapshot && Date.now() - this.#snapshot.at > 3 * every) this.#snapshot = undefined;
      throw error;
    } finally {
      this.#scheduleReload();
    }
  }

  #scheduleReload(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#used) {
        this.#snapshot = undefined;
        return;
      }
      this.#used = false;
      this.#reload().catch(() => {});
    }, this.#reloadEveryMs);
    this.#timer.unref?.();
  }

  #loaded(seconds: number, failed: boolean): void {
    this.#metrics?.loads.inc({ table: this.#table.name, outcome: failed ? 'failed' : 'ok' });
    this.#metrics?.loadSeconds.observe({ table: this.#table.name }, seconds);
  }

  /** Stops full-reload mode's timer. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function cachedOf<V>(value: V | InvalidLookupRow | undefined): Cached<V> {
  if (value === undefined) return MISSING;
  if (value instanceof InvalidLookupRow) return { found: 'invalid', reason: value.reason };
  return { found: true, value };
}
