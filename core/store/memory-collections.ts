import type { MemoryChange } from './store.ts';

/** Collections opened in this process, by name: their embedding dimension. */
const dimensions = new Map<string, number>();

/** Notes a collection opened in this process (`sqlMemory(...).collection`), for checking writes before their commit. */
export function registerMemoryCollection(name: string, size: number): void {
  dimensions.set(name, size);
}

/**
 * Why a memory write cannot commit, as far as this process knows: a vector
 * whose size is not its collection's. Checked when the write's task ends, so
 * the input is dead-lettered rather than its commit failing (which would
 * restart the partition on the same input again and again).
 */
export function memoryChangeProblem(change: MemoryChange): string | undefined {
  if (change.kind !== 'upsert') return undefined;
  const { collection, embedding, namespace, id } = change.row;
  const size = dimensions.get(collection);
  if (size === undefined || size === embedding.length) return undefined;
  return `memory collection "${collection}" holds ${size}-dimensional embeddings; the write of ${namespace}/${id} has ${embedding.length}`;
}
