import type { MemoryRecord, MemoryWrite, Recalled, RecallQuery, WriteOutcome } from './memory-record.ts';

/** A collection's settings: fixed when it is created. */
export interface CollectionSpec {
  /** `[a-z][a-z0-9_]*`, at most 44 characters. */
  readonly name: string;
  /** The embedding dimension (1..2000, pgvector's HNSW limit). */
  readonly dimensions: number;
  /**
   * A `write` whose embedding is at least this similar (cosine) to a memory
   * of the same namespace updates that memory instead of adding a near copy.
   * It applies to `write` through this handle; writes that commit with an
   * actor's journal (`remember`, `upsertVectors`, memory tools) are upserts
   * by id. Default: off.
   */
  readonly dedupThreshold?: number;
}

/**
 * Long-term memory: texts with embeddings in collections, recalled by
 * similarity (and words), per namespace. Implementations: `SqlMemory` on
 * PostgreSQL + pgvector and on PGlite's vector extension (one conformance
 * suite for both).
 *
 * @example
 * ```ts
 * const runbooks = await memory.collection({ name: 'runbooks', dimensions: 384 });
 * await runbooks.write([{ kind: 'upsert', namespace: 'team:sre', id: 'rb-1', text, embedding, at: Date.now() }]);
 * const hits = await runbooks.recall({ namespaces: ['team:sre'], embedding: query, k: 3, text: 'ECONNRESET' });
 * ```
 */
export interface LongTermMemory {
  /** Opens a collection, creating it (and its index) the first time; its dimension cannot change later. */
  collection(spec: CollectionSpec): Promise<MemoryCollection>;
}

export interface MemoryCollection {
  readonly name: string;
  readonly dimensions: number;
  /** Applies the writes in one transaction, in order. */
  write(writes: readonly MemoryWrite[]): Promise<readonly WriteOutcome[]>;
  recall(query: RecallQuery): Promise<readonly Recalled[]>;
  get(namespace: string, id: string): Promise<MemoryRecord | undefined>;
  /** Deletes records that expired before `now` (default: the wall clock); returns how many. */
  purgeExpired(now?: number): Promise<number>;
  /** Records in the namespace (all of the collection without one). */
  count(namespace?: string): Promise<number>;
}
