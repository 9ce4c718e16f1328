import type { ActorContext } from '../../core/actor/actor-context.ts';
import { UnavailableError } from '../../core/errors/unavailable-error.ts';
import type { Json } from '../../core/store/store.ts';
import type { Embedder } from '../embedders/embedder.ts';
import { unavailableIfTransient } from '../functions/unavailable.ts';
import type { MemoryCollection } from '../long-term/long-term-memory.ts';
import { MemoryCollectionError, MemoryInputError } from '../long-term/memory-errors.ts';
import type { RecallQuery } from '../long-term/memory-record.ts';
import { keyNamespace } from '../long-term/namespace.ts';
import { vectorProblem } from '../long-term/vector-text.ts';

/** A collection and the embedder that fills it: what an actor remembers with. */
export interface ActorMemory {
  readonly collection: MemoryCollection;
  readonly embedder: Embedder;
}

/**
 * Pairs an opened collection with its embedder, checking that their
 * dimensions agree (a mismatch would fail every write).
 *
 * @example
 * ```ts
 * const notes = actorMemory(await sqlMemory(store).collection({ name: 'notes', dimensions: 384 }), embedder);
 * ```
 */
export function actorMemory(collection: MemoryCollection, embedder: Embedder): ActorMemory {
  if (collection.dimensions !== embedder.dimensions) {
    throw new MemoryCollectionError(
      collection.name,
      `holds ${collection.dimensions}-dimensional embeddings, but ${embedder.id} makes ${embedder.dimensions}`,
    );
  }
  return { collection, embedder };
}

export interface RememberItem {
  readonly id: string;
  readonly text: string;
  readonly metadata?: { readonly [key: string]: Json };
  readonly expiresAt?: number;
  /** Default: the actor's key's own (`keyNamespace(actor, key)`). */
  readonly namespace?: string;
}

/**
 * Remembers `item` from inside `decide`: its text is embedded in a journaled
 * step (a replay or a re-run after a crash gets the recorded vector and never
 * calls the embedder again), and the write commits with the input's events.
 *
 * @example
 * ```ts
 * decide: async (state, review, ctx) => {
 *   await remember(ctx, notes, { id: review.id, text: review.text, metadata: { product: review.product } });
 *   return [{ type: 'Noted', id: review.id }];
 * }
 * ```
 */
export async function remember(
  ctx: ActorContext<never>,
  memory: ActorMemory,
  item: RememberItem,
): Promise<void> {
  const { collection, embedder } = memory;
  const embedding = await ctx.run(`embed ${collection.name}`, async () => {
    try {
      const { vectors } = await embedder.embed([item.text]);
      return [...(vectors[0] ?? [])];
    } catch (error) {
      throw unavailableIfTransient(`embedder ${embedder.id}`, error);
    }
  });
  const problem = vectorProblem(embedding, collection.dimensions);
  if (problem !== undefined) throw new MemoryInputError(collection.name, `${embedder.id}: ${problem}`);
  ctx.writeMemory({
    kind: 'upsert',
    row: {
      collection: collection.name,
      namespace: item.namespace ?? keyNamespace(ctx.actor, ctx.key),
      id: item.id,
      text: item.text,
      embedding,
      metadata: item.metadata ?? {},
      at: ctx.now(),
      expiresAt: item.expiresAt ?? null,
    },
  });
}

/** Forgets a memory by id, in the input's commit. */
export function forget(ctx: ActorContext<never>, memory: ActorMemory, id: string, namespace?: string): void {
  ctx.writeMemory({
    kind: 'delete',
    collection: memory.collection.name,
    namespace: namespace ?? keyNamespace(ctx.actor, ctx.key),
    id,
  });
}

/** A recalled memory as a journaled step keeps it: no embedding (it is the memory's, not the answer's). */
export interface RecalledMemory {
  readonly namespace: string;
  readonly id: string;
  readonly text: string;
  readonly metadata: { readonly [key: string]: Json };
  readonly createdAt: number;
  readonly score: number;
}

export interface RecallOptions
  extends Pick<RecallQuery, 'k' | 'minScore' | 'metadata' | 'createdFrom' | 'createdBefore'> {
  /** Shared namespaces to search besides the key's own (a team's runbooks). */
  readonly shared?: readonly string[];
  /** Also match the words of the text (hybrid recall). Default true. */
  readonly hybrid?: boolean;
}

/**
 * Recalls what the key (and the shared namespaces it names) remembered that
 * is like `text`, as a journaled step: a replay sees the same memories. It
 * reads what is committed, so a write of the same key's last few inputs may
 * not be there yet.
 *
 * @example
 * ```ts
 * const similar = await recall(ctx, notes, review.text, { k: 3, shared: ['team:support'] });
 * ```
 */
export function recall(
  ctx: ActorContext<never>,
  memory: ActorMemory,
  text: string,
  options: RecallOptions = {},
): Promise<readonly RecalledMemory[]> {
  const { collection, embedder } = memory;
  const { shared, hybrid, ...filters } = options;
  return ctx.run(`recall ${collection.name}`, async () => {
    let embedding: readonly number[] | undefined;
    try {
      [embedding] = (await embedder.embed([text])).vectors;
    } catch (error) {
      throw unavailableIfTransient(`embedder ${embedder.id}`, error);
    }
    let hits: Awaited<ReturnType<MemoryCollection['recall']>>;
    try {
      hits = await collection.recall({
        ...filters,
        namespaces: [keyNamespace(ctx.actor, ctx.key), ...(shared ?? [])],
        embedding: [...(embedding ?? [])],
        ...(hybrid === false ? {} : { text }),
      });
    } catch (error) {
      if (error instanceof MemoryInputError) throw error;
      throw new UnavailableError(`memory collection ${collection.name}`, { cause: error });
    }
    return hits.map((h) => ({
      namespace: h.record.namespace,
      id: h.record.id,
      text: h.record.text,
      metadata: h.record.metadata,
      createdAt: h.record.createdAt,
      score: h.score,
    }));
  });
}
