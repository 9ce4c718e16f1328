import type { Registry } from 'prom-client';
import { concatMap, EMPTY, from, type Observable, type OperatorFunction, of, throwError } from 'rxjs';
import { LookupMissError } from '../errors/lookup-miss-error.ts';
import { LookupRowError } from '../errors/lookup-row-error.ts';
import { LookupMetrics } from '../metrics/lookup-metrics.ts';
import type { Cached } from './lookup-cache.ts';
import { LookupLoader } from './lookup-loader.ts';
import type { LookupTable } from './lookup-table.ts';

interface CommonOptions<T> {
  /** The record's key in the table; undefined: the record has none (a miss). */
  readonly key: (record: T) => string | undefined;
  /** Answers kept: at most `maxEntries` (default 10 000), values for `ttlMs` (default 60 s), misses for `missingTtlMs` (default 10 s). */
  readonly cache?: { readonly maxEntries?: number; readonly ttlMs?: number; readonly missingTtlMs?: number };
  /** Keys per query at most, when many records miss the cache together. Default 500. */
  readonly batchKeys?: number;
  /** Full-reload mode for small tables: read the whole table (`all()`) at the first lookup and again this often; lookups never wait after that. */
  readonly reloadEveryMs?: number;
  /** Registers `eddy_lookup_*` metrics (hits, misses, loads, load seconds) there. */
  readonly metrics?: Registry;
}

/** An inner join: records without a row are dropped or dead-lettered (default). */
export interface InnerJoinOptions<T, V, R> extends CommonOptions<T> {
  readonly join?: 'inner';
  readonly onMissing?: 'dead-letter' | 'drop';
  readonly select: (record: T, row: V) => R;
}

/** A left join: every record goes on, with the row or undefined. */
export interface LeftJoinOptions<T, V, R> extends CommonOptions<T> {
  readonly join: 'left';
  readonly select: (record: T, row: V | undefined) => R;
}

/**
 * Joins each record with a row of a dimension table (Flink's lookup join): by
 * `key(record)`, through an LRU cache with a TTL and a negative cache for
 * missing keys, with the keys of a micro-batch read in one query, or in
 * full-reload mode for small tables.
 *
 * Point in time: a lookup reads the table as it is when the record is
 * processed (or as the cache last saw it). Outputs leave only after their
 * commit, so a crash before it re-reads, and nothing half-joined escapes; a
 * table that changed in between gives the re-run the new row. A failed query
 * is an `UnavailableError`: the partition restarts from its last commit rather
 * than dead-lettering the record.
 *
 * @example
 * ```ts
 * from('reviews', Review).pipe(
 *   lookupJoin(products, { key: (r) => r.productId, select: (r, product) => ({ ...r, product }) }),
 *   keyBy((r) => r.product.category),
 *   actor(satisfaction),
 * );
 * ```
 */
export function lookupJoin<T, V, R>(
  table: LookupTable<V>,
  options: InnerJoinOptions<T, V, R>,
): OperatorFunction<T, R>;
export function lookupJoin<T, V, R>(
  table: LookupTable<V>,
  options: LeftJoinOptions<T, V, R>,
): OperatorFunction<T, R>;
export function lookupJoin<T, V, R>(
  table: LookupTable<V>,
  options: InnerJoinOptions<T, V, R> | LeftJoinOptions<T, V, R>,
): OperatorFunction<T, R> {
  const loader = new LookupLoader(table, {
    maxEntries: options.cache?.maxEntries ?? 10_000,
    ttlMs: options.cache?.ttlMs ?? 60_000,
    missingTtlMs: options.cache?.missingTtlMs ?? 10_000,
    batchKeys: options.batchKeys ?? 500,
    reloadEveryMs: options.reloadEveryMs,
    metrics: options.metrics ? LookupMetrics.of(options.metrics) : undefined,
  });
  const joined = (record: T, key: string | undefined, answer: Cached<V>): Observable<R> => {
    if (answer.found === 'invalid') {
      return throwError(() => new LookupRowError(table.name, key as string, answer.reason));
    }
    if (options.join === 'left') return of(options.select(record, answer.found ? answer.value : undefined));
    if (answer.found) return of(options.select(record, answer.value));
    return options.onMissing === 'drop' ? EMPTY : throwError(() => new LookupMissError(table.name, key));
  };
  return (source) =>
    source.pipe(
      concatMap((record) => {
        const key = options.key(record);
        if (key === undefined) return joined(record, undefined, { found: false });
        const answer = loader.get(key);
        return answer instanceof Promise
          ? from(answer).pipe(concatMap((a) => joined(record, key, a)))
          : joined(record, key, answer);
      }),
    );
}
