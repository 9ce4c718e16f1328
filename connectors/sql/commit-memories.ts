import type { MemoryChange } from '../../core/store/store.ts';
import { COMMIT_FORGETS_SQL, COMMIT_MEMORIES_SQL } from './memory-statements.ts';
import type { SqlQueryable } from './sql-driver.ts';

/**
 * A commit's long-term memory writes, in its transaction: deletes, then
 * upserts (a batch holds at most one write per record, so the order between
 * the two does not matter). A collection that does not exist fails the
 * commit with a message that says to open it first.
 */
export async function writeMemories(tx: SqlQueryable, changes: readonly MemoryChange[]): Promise<void> {
  const forgets = changes.flatMap((c) =>
    c.kind === 'delete' ? [{ c: c.collection, n: c.namespace, i: c.id }] : [],
  );
  const upserts = changes.flatMap((c) =>
    c.kind === 'upsert'
      ? [
          {
            c: c.row.collection,
            n: c.row.namespace,
            i: c.row.id,
            t: c.row.text,
            e: `[${c.row.embedding.join(',')}]`,
            m: c.row.metadata,
            a: c.row.at,
            x: c.row.expiresAt ?? null,
          },
        ]
      : [],
  );
  try {
    if (forgets.length > 0) await tx.query(COMMIT_FORGETS_SQL, [JSON.stringify(forgets)]);
    if (upserts.length > 0) await tx.query(COMMIT_MEMORIES_SQL, [JSON.stringify(upserts)]);
  } catch (error) {
    const e = error as { code?: string; constraint?: string; message?: string };
    if (e.code === '23503' && e.constraint === 'eddy_memories_collection_fkey') {
      const names = [...new Set(upserts.map((u) => u.c))].join(', ');
      throw new Error(
        `a commit wrote to a memory collection that does not exist (one of: ${names}); open it with sqlMemory(store).collection({ name, dimensions }) before the pipeline runs`,
        { cause: error },
      );
    }
    throw error;
  }
}
