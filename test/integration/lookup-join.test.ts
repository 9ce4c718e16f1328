import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { Kvm } from '@nats-io/kv';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { kvLookupTable } from '../../connectors/jetstream/kv-lookup-table.ts';
import { type LookupDatabase, sqlLookupTable } from '../../connectors/sql/sql-lookup-table.ts';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { lookupJoin } from '../../core/lookup/lookup-join.ts';
import type { LookupTable } from '../../core/lookup/lookup-table.ts';
import type { Committed } from '../../core/pipeline/committed.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { actor } from '../../core/pipeline/steps.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import { createTestDatabase, type TestDatabase } from '../services/database.ts';
import { waitUntil } from '../services/wait-until.ts';

// lookupJoin against real dimension tables: PostgreSQL, PGlite and a NATS KV bucket.
const Product = z.object({ id: z.string(), category: z.string() });
type Product = z.infer<typeof Product>;
const rows: Record<string, { id: string; category: string | null }> = {
  p1: { id: 'p1', category: 'shoes' },
  p2: { id: 'p2', category: 'bags' },
  px: { id: 'px', category: null }, // fails the schema
};

interface Dimension {
  readonly table: LookupTable<Product>;
  /** Changes a row's category, as an operator editing the table would. */
  set(id: string, category: string): Promise<void>;
  /** Makes every read fail (and `restore` undoes it). */
  break(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

let db: TestDatabase;
let nc: NatsConnection;
beforeAll(async () => {
  db = await createTestDatabase();
  nc = await connect({ servers: inject('natsUrl') });
});
afterAll(async () => {
  await nc?.close();
  await db?.drop();
});

async function sqlDimension(
  query: (sql: string, params?: unknown[]) => Promise<unknown>,
  table: LookupTable<Product>,
) {
  return {
    table,
    set: async (id: string, category: string) => {
      await query('INSERT INTO products VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET category = $2', [
        id,
        category,
      ]);
    },
    break: async () => {
      await query('ALTER TABLE products RENAME TO products_away');
    },
    restore: async () => {
      await query('ALTER TABLE products_away RENAME TO products');
    },
  };
}

async function createProducts(query: (sql: string, params?: unknown[]) => Promise<unknown>) {
  await query('CREATE TABLE products (id text PRIMARY KEY, category text)');
  for (const row of Object.values(rows))
    await query('INSERT INTO products VALUES ($1, $2)', [row.id, row.category]);
}

const dimensions: Record<string, () => Promise<Dimension>> = {
  postgres: async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const query = (sql: string, params?: unknown[]) => pool.query(sql, params);
    await query('DROP TABLE IF EXISTS products, products_away');
    await createProducts(query);
    const table = sqlLookupTable({ db: pool, table: 'products', key: 'id', schema: Product });
    return { ...(await sqlDimension(query, table)), close: () => pool.end() };
  },
  pglite: async () => {
    const lite = new PGlite();
    const query = (sql: string, params?: unknown[]) => lite.query(sql, params);
    await createProducts(query);
    const table = sqlLookupTable({
      db: lite,
      table: 'products',
      key: 'id',
      columns: ['id', 'category'],
      schema: Product,
    });
    return { ...(await sqlDimension(query, table)), close: () => lite.close() };
  },
  'nats kv': async () => {
    const kvm = new Kvm(nc);
    const bucket = `products-${randomUUID().slice(0, 8)}`;
    const kv = await kvm.create(bucket);
    for (const row of Object.values(rows)) await kv.put(row.id, JSON.stringify(row));
    let healthy = true;
    const inner = kvLookupTable({ kv, name: bucket, schema: Product });
    const table: LookupTable<Product> = {
      name: bucket,
      getMany: (keys) => (healthy ? inner.getMany(keys) : Promise.reject(new Error('no responders'))),
      all: () => (inner.all as NonNullable<typeof inner.all>)(),
    };
    return {
      table,
      set: async (id, category) => {
        await kv.put(id, JSON.stringify({ id, category }));
      },
      // A KV bucket cannot be renamed away; the failure is injected at the client instead.
      break: async () => {
        healthy = false;
      },
      restore: async () => {
        healthy = true;
      },
      close: () => kv.destroy().then(() => {}),
    };
  },
};

const counter = defineActor({
  name: 'by-category',
  initial: () => ({ n: 0 }),
  decide: (s: { n: number }, r: { review: string; category: string }, ctx) => {
    ctx.emit({ review: r.review, category: r.category, n: s.n + 1 });
    return [{ type: 'Counted' as const }];
  },
  evolve: (s) => ({ n: s.n + 1 }),
});
const Review = z.object({ review: z.string(), product: z.string() });
const encoder = new TextEncoder();

async function feed(log: MemoryLog, reviews: readonly [string, string][], from = 0) {
  for (const [i, [review, product]] of reviews.entries()) {
    await log.append('reviews', {
      key: 'all',
      msgId: `r${from + i}`,
      payload: encoder.encode(JSON.stringify({ review, product })),
    });
  }
}

describe.each(Object.keys(dimensions))('lookupJoin on %s', (kind) => {
  it('joins through a batched, cached lookup; dead-letters missing and invalid rows; restarts, not dead-letters, when the table is down', async () => {
    const dim = await (dimensions[kind] as () => Promise<Dimension>)();
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'reviews', partitions: 1 });
    const metrics = new Registry();
    const running = pipeline(
      {
        name: `join-${kind.replace(' ', '-')}`,
        log,
        store,
        commitIntervalMs: 1,
        restartDelayMs: 20,
        maxRestartDelayMs: 50,
      },
      from('reviews', Review).pipe(
        lookupJoin(dim.table, {
          key: (r) => r.product,
          select: (r, product) => ({ review: r.review, category: product.category }),
          metrics,
          cache: { ttlMs: 60_000, missingTtlMs: 60_000 },
        }),
        actor(counter),
      ),
    );
    const out: Committed<unknown>[] = [];
    const letters: Committed<unknown>[] = [];
    running.subscribe((c) => out.push(c));
    running.deadLetters$.subscribe((d) => letters.push(d));
    await running.start();
    await feed(log, [
      ['r0', 'p1'],
      ['r1', 'p2'],
      ['r2', 'p1'],
      ['r3', 'nope'],
      ['r4', 'px'],
      ['r5', 'p2'],
    ]);
    expect(
      await waitUntil(async () => out.length === 4 && letters.length === 2, { timeoutMs: 10_000 }),
    ).toBeUndefined();
    expect(out.map((c) => c.value)).toEqual([
      { review: 'r0', category: 'shoes', n: 1 },
      { review: 'r1', category: 'bags', n: 2 },
      { review: 'r2', category: 'shoes', n: 3 },
      { review: 'r5', category: 'bags', n: 4 },
    ]);
    expect(letters.map((d) => (d.value as { reason: string }).reason)).toEqual([
      expect.stringContaining(`LookupMissError: table "${dim.table.name}" has no row for key "nope"`),
      expect.stringMatching(/^LookupRowError: .*"px".*category/),
    ]);
    // Four keys asked for: p1 and p2 read once each, the rest from the cache.
    const text = await metrics.metrics();
    const hits = Number(/eddy_lookup_cache_hits_total\{[^}]*\} (\d+)/.exec(text)?.[1]);
    const misses = Number(/eddy_lookup_cache_misses_total\{[^}]*\} (\d+)/.exec(text)?.[1]);
    expect({ hits, misses }).toEqual({ hits: 2, misses: 4 });

    // The table goes away: the records wait (the partition restarts), then join once it is back.
    await dim.set('p9', 'hats');
    await dim.break();
    await feed(log, [['r6', 'p9']], 6);
    await new Promise((r) => setTimeout(r, 300));
    expect(letters).toHaveLength(2);
    expect(out).toHaveLength(4);
    await dim.restore();
    expect(await waitUntil(async () => out.length === 5, { timeoutMs: 10_000 })).toBeUndefined();
    expect(letters).toHaveLength(2);
    await running.stop();
    await dim.close();
  }, 60_000);
});

describe('lookupJoin modes', () => {
  it('left-joins missing rows as undefined, and in full-reload mode reads the whole table and then again', async () => {
    const lite = new PGlite();
    const query = (sql: string, params?: unknown[]) => lite.query(sql, params);
    await query('CREATE TABLE products (id text PRIMARY KEY, category text)');
    await query("INSERT INTO products VALUES ('p1', 'shoes')");
    let reads = 0;
    const inner = sqlLookupTable({ db: lite, table: 'products', key: 'id', schema: Product });
    const table: LookupTable<Product> = {
      name: 'products',
      getMany: () => Promise.reject(new Error('full-reload mode never reads by key')),
      all: () => {
        reads++;
        return (inner.all as NonNullable<typeof inner.all>)();
      },
    };
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'reviews', partitions: 1 });
    const running = pipeline(
      { name: 'left', log, store: new MemoryStore(), commitIntervalMs: 1 },
      from('reviews', Review).pipe(
        lookupJoin(table, {
          join: 'left',
          key: (r) => r.product,
          select: (r, product) => ({ review: r.review, category: product?.category ?? 'unknown' }),
          reloadEveryMs: 100,
        }),
        actor(counter),
      ),
    );
    const out: unknown[] = [];
    running.subscribe((c) => out.push(c.value));
    await running.start();
    await feed(log, [
      ['r0', 'p1'],
      ['r1', 'nope'],
    ]);
    expect(await waitUntil(async () => out.length === 2, { timeoutMs: 5_000 })).toBeUndefined();
    await query("UPDATE products SET category = 'boots' WHERE id = 'p1'");
    expect(await waitUntil(async () => reads >= 2, { timeoutMs: 5_000 })).toBeUndefined();
    await feed(log, [['r2', 'p1']], 2);
    expect(await waitUntil(async () => out.length === 3, { timeoutMs: 5_000 })).toBeUndefined();
    await running.stop();
    expect(out).toEqual([
      { review: 'r0', category: 'shoes', n: 1 },
      { review: 'r1', category: 'unknown', n: 2 },
      { review: 'r2', category: 'boots', n: 3 },
    ]);
    await lite.close();
  }, 30_000);
});

describe('sqlLookupTable keys', () => {
  it.each([
    [
      'PGlite',
      async () => {
        const lite = new PGlite();
        return { db: lite, close: () => lite.close() };
      },
    ],
    [
      'PostgreSQL',
      async () => {
        const pool = new pg.Pool({ connectionString: db.url, max: 2 });
        return { db: pool, close: () => pool.end() };
      },
    ],
  ] as const)(
    'on %s: finds an integer key given as text under the key asked for, and a key of the wrong type has no row',
    async (_name, open) => {
      const { db: conn, close }: { db: LookupDatabase; close: () => Promise<void> } = await open();
      const table = `typed_${randomUUID().slice(0, 8)}`;
      await conn.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, name text)`);
      await conn.query(`INSERT INTO ${table} VALUES (1, 'one'), (2, 'two')`);
      const lookup = sqlLookupTable({
        db: conn,
        table,
        key: 'id',
        schema: z.object({ id: z.number(), name: z.string() }),
      });
      const found = await lookup.getMany(['01', '2', 'abc', '99999999999', '3']);
      expect([...found.entries()]).toEqual([
        ['01', { id: 1, name: 'one' }],
        ['2', { id: 2, name: 'two' }],
      ]);
      expect(() =>
        sqlLookupTable({ db: conn, table: 'x; drop table y', key: 'id', schema: z.object({}) }),
      ).toThrow(/plain SQL name/);
      await close();
    },
  );
});
