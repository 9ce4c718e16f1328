import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../services/index.ts';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('test services', () => {
  it('provides a NATS server with JetStream', async () => {
    const connection = await connect({ servers: inject('natsUrl') });
    try {
      const manager = await jetstreamManager(connection);
      const account = await manager.getAccountInfo();
      expect(account.limits.max_storage).not.toBe(0);
    } finally {
      await connection.close();
    }
  });

  it('provides PostgreSQL with fsync on and a working pgvector', async () => {
    const url = inject('databaseUrl');
    expect(await query<{ fsync: string }>(url, 'SHOW fsync')).toEqual([{ fsync: 'on' }]);
    const [row] = await query<{ distance: number }>(
      url,
      "SELECT ('[1,2,3]'::vector <=> '[1,2,4]'::vector)::float8 AS distance",
    );
    // cosine distance = 1 - 17 / (sqrt(14) * sqrt(21))
    expect(row?.distance).toBeCloseTo(1 - 17 / Math.sqrt(14 * 21), 10);
  });

  it('creates an isolated database with pgvector that drop() removes', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    try {
      expect(first.name).not.toBe(second.name);
      await query(first.url, 'CREATE TABLE only_in_first (embedding vector(3))');
      await query(first.url, "INSERT INTO only_in_first VALUES ('[1,2,3]')");
      expect(await query(first.url, 'SELECT embedding::text AS e FROM only_in_first')).toEqual([
        { e: '[1,2,3]' },
      ]);
      expect(await query(second.url, "SELECT to_regclass('only_in_first') AS t")).toEqual([{ t: null }]);
    } finally {
      await first.drop();
      await second.drop();
    }
    const remaining = await query<{ datname: string }>(
      inject('databaseUrl'),
      `SELECT datname FROM pg_database WHERE datname IN ('${first.name}', '${second.name}')`,
    );
    expect(remaining).toEqual([]);
  });
});
