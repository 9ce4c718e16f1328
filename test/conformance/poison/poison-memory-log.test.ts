import { afterAll, beforeAll } from 'vitest';
import { PgliteStore } from '../../../connectors/pglite/pglite-store.ts';
import { PgStore } from '../../../connectors/postgres/pg-store.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import { createTestDatabase, type TestDatabase } from '../../services/index.ts';
import { poisonConformance } from './poison-suite.ts';

// The memory log with each Store; poison-jetstream.test.ts runs the same with JetStream.
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const memoryLog = async () => {
  const log = new MemoryLog();
  return { log, close: () => log.close() };
};

poisonConformance('memory log × MemoryStore', {
  log: memoryLog,
  store: async () => {
    const store = new MemoryStore();
    return { store, close: () => store.close() };
  },
});

poisonConformance('memory log × PgliteStore', {
  log: memoryLog,
  store: async () => {
    const store = new PgliteStore();
    return { store, close: () => store.close() };
  },
});

poisonConformance('memory log × PgStore', {
  log: memoryLog,
  store: async () => {
    const store = new PgStore({ url: db.url, maxConnections: 4 });
    return { store, close: () => store.close() };
  },
});
