import { mergeMap, type OperatorFunction } from 'rxjs';
import { UnavailableError } from '../../core/errors/unavailable-error.ts';
import type { Json } from '../../core/store/store.ts';
import type { MemoryCollection } from '../long-term/long-term-memory.ts';
import { MemoryInputError } from '../long-term/memory-errors.ts';
import type { RecallQuery } from '../long-term/memory-record.ts';

/** A match as `vectorSearch` adds it to the record: the memory without its vector, and its score. */
export interface Match {
  readonly namespace: string;
  readonly id: string;
  readonly text: string;
  readonly metadata: { readonly [key: string]: Json };
  readonly score: number;
}

export interface VectorSearchOptions<T, K extends string> {
  /** The record's query vector (from `embed`). */
  readonly embedding: (record: T) => readonly number[];
  /** The namespaces to search for the record. */
  readonly namespaces: (record: T) => readonly string[];
  readonly k?: number;
  readonly minScore?: number;
  /** Metadata the matches must contain, per record. */
  readonly filter?: (record: T) => { readonly [key: string]: Json } | undefined;
  /** Words to match too (hybrid search, fused by reciprocal rank). */
  readonly text?: (record: T) => string;
  /** The field the matches go under. Default `matches`. */
  readonly as?: K;
}

/**
 * Finds each record's nearest memories (Flink's VECTOR_SEARCH), as a lookup:
 * the record goes on with its matches, best first, with their cosine scores.
 * It reads the collection as committed when the record runs, so a document
 * written before a question is found by it. A database that is down
 * restarts the partition; a record whose vector does not fit the collection
 * is dead-lettered.
 *
 * @example
 * ```ts
 * questions.pipe(embed(embedder, { text: (q) => q.text }),
 *   vectorSearch(docs, { embedding: (q) => q.embedding, namespaces: () => ['docs'], k: 4, text: (q) => q.text }));
 * ```
 */
export function vectorSearch<T, K extends string = 'matches'>(
  collection: MemoryCollection,
  options: VectorSearchOptions<T, K>,
): OperatorFunction<T, T & { readonly [P in K]: Match[] }> {
  const as = (options.as ?? 'matches') as K;
  return mergeMap(async (record: T) => {
    const filter = options.filter?.(record);
    const query: RecallQuery = {
      namespaces: options.namespaces(record),
      embedding: options.embedding(record),
      ...(options.k === undefined ? {} : { k: options.k }),
      ...(options.minScore === undefined ? {} : { minScore: options.minScore }),
      ...(filter === undefined ? {} : { metadata: filter }),
      ...(options.text === undefined ? {} : { text: options.text(record) }),
    };
    let hits: Awaited<ReturnType<MemoryCollection['recall']>>;
    try {
      hits = await collection.recall(query);
    } catch (error) {
      if (error instanceof MemoryInputError) throw error;
      throw new UnavailableError(`memory collection ${collection.name}`, { cause: error });
    }
    const matches: Match[] = hits.map((h) => ({
      namespace: h.record.namespace,
      id: h.record.id,
      text: h.record.text,
      metadata: h.record.metadata,
      score: h.score,
    }));
    return { ...record, [as]: matches } as T & { readonly [P in K]: Match[] };
  });
}
