import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActorMemory } from 'eddy/memory';

/** Where the runbooks are: markdown files, ingested into memory and served by the MCP filesystem server. */
export const RUNBOOK_DIR = fileURLToPath(new URL('./runbooks/', import.meta.url));

/** The shared namespace runbooks live in: every job's agent recalls from it. */
export const RUNBOOKS = 'team:sre';

/**
 * Ingests the runbooks into long-term memory (one record per file, id the
 * file name, its path in the metadata), embedded in one batch; ingesting
 * again updates them in place.
 */
export async function ingestRunbooks(memory: ActorMemory, dir = RUNBOOK_DIR): Promise<number> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.md')).sort();
  const texts = await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')));
  const { vectors } = await memory.embedder.embed(texts);
  await memory.collection.write(
    files.map((file, i) => ({
      kind: 'upsert' as const,
      namespace: RUNBOOKS,
      id: file,
      text: texts[i] ?? '',
      embedding: [...(vectors[i] ?? [])],
      metadata: { file, path: join(dir, file) },
      at: Date.now(),
    })),
  );
  return files.length;
}
