import { afterAll, beforeAll } from 'vitest';
import { PgStore } from '../../connectors/postgres/pg-store.ts';
import { sqlMemory } from '../../connectors/sql/sql-memory.ts';
import { createTestDatabase, type TestDatabase } from '../services/index.ts';
import { memoryConformance } from './memory-suite.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

memoryConformance('PostgreSQL + pgvector', async () => {
  const store = new PgStore({ url: db.url, maxConnections: 4 });
  await store.migrate();
  return { memory: sqlMemory(store), store, close: () => store.close() };
});
