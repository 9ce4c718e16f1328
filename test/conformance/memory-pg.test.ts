import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStore } from '../../connectors/postgres/pg-store.ts';
import { vectorBinary } from '../../connectors/postgres/vector-binary.ts';
import { memoryMigrations, migrations } from '../../connectors/sql/migrations.ts';
import { sqlMemory } from '../../connectors/sql/sql-memory.ts';
import { vectorText } from '../../memory/long-term/vector-text.ts';
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

describe('vectors sent in binary', () => {
  it('reach PostgreSQL as the same float4 values as their text form', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      const v = [1, -2.5, 0.1, 1e-30, 3.4e38, -0, 123456.789, Math.PI, 2 ** -149];
      const read = async (param: unknown) =>
        (await pool.query<{ v: string }>('SELECT $1::vector::text AS v', [param])).rows[0]?.v;
      const binary = await read(vectorBinary(v));
      expect(binary).toBe(await read(vectorText(v)));
      // float4 printed shortest: read back as float4, the values are what was sent.
      expect((JSON.parse(binary as string) as number[]).map(Math.fround)).toEqual(
        v.map((x) => Math.fround(x) || 0),
      );
      // The dimensions travel in the header: a typmod still checks them.
      await expect(pool.query('SELECT $1::vector(3)', [vectorBinary([1, 2])])).rejects.toThrow(
        /expected 3 dimensions, not 2/,
      );
    } finally {
      await pool.end();
    }
  });
});

describe('memory tables on PostgreSQL', () => {
  it('come with the first collection, so a store alone needs no pgvector tables; both record their versions', async () => {
    const fresh = await createTestDatabase();
    const store = new PgStore({ url: fresh.url, maxConnections: 2 });
    try {
      await store.migrate();
      const pool = new pg.Pool({ connectionString: fresh.url, max: 1 });
      const tables = async () =>
        (
          await pool.query<{ t: string }>(
            "SELECT tablename AS t FROM pg_tables WHERE tablename LIKE 'eddy_memor%' ORDER BY 1",
          )
        ).rows.map((r) => r.t);
      expect(await tables()).toEqual([]);
      await sqlMemory(store).collection({ name: 'first', dimensions: 3 });
      expect(await tables()).toEqual(['eddy_memories', 'eddy_memory_collections']);
      const { rows } = await pool.query<{ version: number }>(
        'SELECT version FROM eddy_schema_migrations ORDER BY version',
      );
      expect(rows.map((r) => r.version)).toEqual([...migrations, ...memoryMigrations].map((m) => m.version));
      await pool.end();
    } finally {
      await store.close();
      await fresh.drop();
    }
  });
});
