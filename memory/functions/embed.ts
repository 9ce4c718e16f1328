import { createHash } from 'node:crypto';
import { mergeMap, type OperatorFunction } from 'rxjs';
import type { Embedder } from '../embedders/embedder.ts';
import { unavailableIfTransient } from './unavailable.ts';

export interface EmbedOptions<T, K extends string> {
  /** The text of a record to embed. */
  readonly text: (record: T) => string;
  /** The field the vector goes under. Default `embedding`. */
  readonly as?: K;
  /** Vectors kept by content hash (SHA-256 of the text), least recently used out first. Default 10 000; 0: none. */
  readonly cacheSize?: number;
}

/**
 * Embeds a text of every record (Flink's AI_EMBED) and passes the record on
 * with the vector. A text embedded before (by content hash) comes from the
 * cache. A per-record step: the record goes on only in its input's commit,
 * so a crash re-embeds only what was not committed. An embedder down or
 * rate-limited after its retries restarts the partition (nothing is
 * dead-lettered for it); a bad answer dead-letters the record.
 *
 * @example
 * ```ts
 * from('docs', Doc).pipe(embed(embedder, { text: (d) => d.body }), upsertVectors(docs, { ... }));
 * ```
 */
export function embed<T, K extends string = 'embedding'>(
  embedder: Embedder,
  options: EmbedOptions<T, K>,
): OperatorFunction<T, T & { readonly [P in K]: number[] }> {
  const as = (options.as ?? 'embedding') as K;
  const cache = new HashCache(options.cacheSize ?? 10_000);
  return mergeMap(async (record: T) => {
    const text = options.text(record);
    const key = createHash('sha256').update(text).digest('base64url');
    let vector = cache.get(key);
    if (vector === undefined) {
      try {
        vector = [...((await embedder.embed([text])).vectors[0] ?? [])];
      } catch (error) {
        throw unavailableIfTransient(`embedder ${embedder.id}`, error);
      }
      cache.set(key, vector);
    }
    return { ...record, [as]: vector } as T & { readonly [P in K]: number[] };
  });
}

/** An LRU of vectors by content hash. */
class HashCache {
  readonly #size: number;
  readonly #map = new Map<string, number[]>();

  constructor(size: number) {
    this.#size = size;
  }

  get(key: string): number[] | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, v: number[]): void {
    if (this.#size <= 0) return;
    this.#map.set(key, v);
    if (this.#map.size > this.#size) this.#map.delete(this.#map.keys().next().value as string);
  }
}
