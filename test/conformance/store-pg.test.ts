import type { EventEmitter } from 'node:events';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgStore } from '../../connectors/postgres/pg-store.ts';
import { migrations } from '../../connectors/sql/migrations.ts';
import { UnsafeIntegerError } from '../../connectors/sql/unsafe-integer-error.ts';
import { createTestDatabase, type TestDatabase } from '../services/index.ts';
import { type OpenedStore, storeConformance } from './store.ts';
import { emptyBatch, event } from './store-fixtures.ts';

// One database per file; every test opens its own store (pool) on it and uses names of its own.
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(() => db?.drop());

const open = async (): Promise<OpenedStore> => {
  const store = new PgStore({ url: db.url, maxConnections: 4 });
  return { store, close: () => store.close(), peer: open };
};

storeConformance('PgStore', open, { propertyRuns: 25 });

/**
 * Counts round trips: every query cycle ends with the server's ReadyForQuery
 * message. Observes a real connection; nothing is stubbed.
 */
function countRoundTrips(pool: pg.Pool): { readonly count: number } {
  const counter = { count: 0 };
  pool.on('connect', (client) => {
    (client as unknown as { connection: EventEmitter }).connection.on('readyForQuery', () => {
      counter.count++;
    });
  });
  return counter;
}

describe('PgStore specifics', () => {
  it('migrates a fresh database from several stores at once, recording each migration once', async () => {
    const fresh = await createTestDatabase();
    const stores = [1, 2, 3].map(() => new PgStore({ url: fresh.url, maxConnections: 2 }));
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      await stores[0]?.migrate();
      const pool = new pg.Pool({ connectionString: fresh.url, max: 1 });
      try {
        const { rows } = await pool.query<{ version: number }>(
          'SELECT version FROM eddy_schema_migrations ORDER BY version',
        );
        expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
      } finally {
        await pool.end();
      }
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await fresh.drop();
    }
  });

  it('commits 500 events and 500 progress rows in one round trip', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    const roundTrips = countRoundTrips(pool);
    const store = new PgStore({ pool });
    try {
      await store.migrate();
      const claim = await store.claim('bulk', 0, 'a');
      const keys = Array.from({ length: 500 }, (_, i) => `key-${i}`);
      const before = roundTrips.count;
      await store.commit({
        ...emptyBatch(claim),
        events: keys.map((k) => event('bulk-actor', k, 1)),
        progress: keys.map((k, i) => ({ key: k, seq: i + 1 })),
        watermark: 500,
      });
      expect(roundTrips.count - before).toBe(1);
      expect(await store.keys('bulk-actor')).toHaveLength(500);
      expect((await store.load('bulk-actor', 'key-499', 'bulk', 0)).lastAppliedSeq).toBe(500);
    } finally {
      await store.close();
      // A pool passed in belongs to the caller: the store leaves it open.
      expect(pool.ended).toBe(false);
      await pool.end();
    }
  });

  it('refuses to read a bigint beyond the safe integers instead of rounding it', async () => {
    const store = new PgStore({ url: db.url, maxConnections: 1 });
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      await store.migrate();
      await pool.query(
        `INSERT INTO eddy_journal (actor, key, version, type, schema_version, data, input_seq, event_time)
         VALUES ('unsafe-actor', 'k', 9007199254740993, 'T', 1, '{}', 0, 0)`,
      );
      const error = await store.journal('unsafe-actor', 'k').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnsafeIntegerError);
      expect(String(error)).toContain('9007199254740993');
    } finally {
      await store.close();
      await pool.end();
    }
  });

  it('does not echo a malformed URL, which may hold a password', () => {
    expect(() => new PgStore({ url: 'postgres://user:s3cret@[bad' })).toThrow(
      /not a valid postgres:\/\/ URL/,
    );
    try {
      new PgStore({ url: 'postgres://user:s3cret@[bad' });
    } catch (error) {
      expect(String(error)).not.toContain('s3cret');
      expect(JSON.stringify(error)).not.toContain('s3cret');
    }
  });
});
