import type { OperatorFunction } from 'rxjs';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { actor } from '../../core/pipeline/steps.ts';
import type { Json } from '../../core/store/store.ts';
import type { MemoryCollection } from '../long-term/long-term-memory.ts';
import { MemoryInputError } from '../long-term/memory-errors.ts';
import { vectorProblem } from '../long-term/vector-text.ts';

export interface UpsertVectorsOptions<T> {
  readonly namespace: (record: T) => string;
  readonly id: (record: T) => string;
  readonly text: (record: T) => string;
  /** The record's vector (from `embed`). */
  readonly embedding: (record: T) => readonly number[];
  readonly metadata?: (record: T) => { readonly [key: string]: Json };
  readonly expiresAt?: (record: T) => number | undefined;
  /** True for a record that removes its memory instead (a deleted document's chunk). */
  readonly remove?: (record: T) => boolean;
  /** The actor's name; default `upsert-<collection>`. */
  readonly name?: string;
}

/**
 * Writes each record's vector to a collection, as a sink in the pipeline:
 * the write commits with the record's input (a crash never leaves half of a
 * batch written or writes a record twice), then the record goes on. A
 * record that removes (`remove`) deletes its memory by id. A vector that
 * does not fit the collection dead-letters the record.
 *
 * @example
 * ```ts
 * chunks.pipe(embed(embedder, { text: (c) => c.text }),
 *   upsertVectors(docs, { namespace: () => 'docs', id: (c) => c.chunkId, text: (c) => c.text, embedding: (c) => c.embedding }));
 * ```
 */
export function upsertVectors<T extends Json>(
  collection: MemoryCollection,
  options: UpsertVectorsOptions<T>,
): OperatorFunction<T, T> {
  const def = defineActor({
    name: options.name ?? `upsert-${collection.name}`,
    initial: () => ({}),
    decide: (_state: Json, record: T, ctx) => {
      const namespace = options.namespace(record);
      const id = options.id(record);
      if (options.remove?.(record)) {
        ctx.writeMemory({ kind: 'delete', collection: collection.name, namespace, id });
      } else {
        const embedding = [...options.embedding(record)];
        const problem = vectorProblem(embedding, collection.dimensions);
        if (problem !== undefined)
          throw new MemoryInputError(collection.name, `${problem} (${namespace}/${id})`);
        ctx.writeMemory({
          kind: 'upsert',
          row: {
            collection: collection.name,
            namespace,
            id,
            text: options.text(record),
            embedding,
            metadata: options.metadata?.(record) ?? {},
            at: ctx.input?.eventTime ?? ctx.now(),
            expiresAt: options.expiresAt?.(record) ?? null,
          },
        });
      }
      ctx.emit(record);
      return [];
    },
    evolve: (state: Json) => state,
  });
  return actor(def) as unknown as OperatorFunction<T, T>;
}
