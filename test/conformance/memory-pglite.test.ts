import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { sqlMemory } from '../../connectors/sql/sql-memory.ts';
import { memoryConformance } from './memory-suite.ts';

memoryConformance('PGlite vector', async () => {
  const store = new PgliteStore();
  await store.migrate();
  return { memory: sqlMemory(store), store, close: () => store.close() };
});
