import type { Json } from '../../core/store/store.ts';

/**
 * One long-term memory: a text, its embedding, and what it is about. Kept per
 * collection (one embedding dimension each) and namespace (whose memory it
 * is: an agent's key by default, or a shared one such as a team's runbooks).
 */
export interface MemoryRecord {
  readonly namespace: string;
  readonly id: string;
  readonly text: string;
  readonly embedding: readonly number[];
  /** Filterable by containment (`{ service: 'checkout' }` matches records whose metadata holds it). */
  readonly metadata: Readonly<Record<string, Json>>;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  /** After this (ms since the epoch) the record is no longer recalled, and a purge deletes it. */
  readonly expiresAt: number | undefined;
}

/** What a write gives: the record, without the times the memory keeps. */
export interface MemoryUpsert {
  readonly kind: 'upsert';
  readonly namespace: string;
  readonly id: string;
  readonly text: string;
  readonly embedding: readonly number[];
  readonly metadata?: Readonly<Record<string, Json>>;
  /** When it was written (ms): `createdAt` of a new record, `updatedAt` of any. */
  readonly at: number;
  readonly expiresAt?: number;
}

export interface MemoryDelete {
  readonly kind: 'delete';
  readonly namespace: string;
  readonly id: string;
}

export type MemoryWrite = MemoryUpsert | MemoryDelete;

/** What a write did: `merged` when a near-identical memory took it in (see `dedupThreshold`). */
export type WriteOutcome =
  | { readonly kind: 'inserted'; readonly id: string }
  | { readonly kind: 'updated'; readonly id: string }
  | { readonly kind: 'merged'; readonly id: string; readonly into: string; readonly similarity: number }
  | { readonly kind: 'deleted'; readonly id: string; readonly existed: boolean };

/** A recall: by similarity to `embedding`, and by words of `text` too when `hybrid`. */
export interface RecallQuery {
  /** The namespaces to search: only these (a key's own, plus shared ones it is given). */
  readonly namespaces: readonly string[];
  readonly embedding: readonly number[];
  /** At most this many (default 5). */
  readonly k?: number;
  /** Cosine similarity at least this (-1..1; default none). */
  readonly minScore?: number;
  /** Records whose metadata contains this JSON. */
  readonly metadata?: Readonly<Record<string, Json>>;
  /** `createdAt` in [from, to). */
  readonly createdFrom?: number;
  readonly createdBefore?: number;
  /**
   * Also search the words of this text (PostgreSQL full text, `simple`
   * configuration: exact names, ids and error codes match) and fuse both
   * rankings by reciprocal rank.
   */
  readonly text?: string;
  /** Exact (brute-force) search instead of the HNSW index: slower, never misses. */
  readonly exact?: boolean;
  /** Return each record's embedding too (default not: a 384-dim vector is ~4 KB to send and parse). */
  readonly withEmbeddings?: boolean;
  /** "Now" for expiry, ms since the epoch (default: the wall clock). */
  readonly now?: number;
}

/** A recalled memory: cosine similarity, and its fused rank score when the recall was hybrid. */
export interface Recalled {
  /** Its `embedding` is empty unless the recall asked `withEmbeddings`. */
  readonly record: MemoryRecord;
  readonly score: number;
  readonly rrf?: number;
}
