import { actor, defineActor, type Flow, from, lookupJoin, MemoryStore, pipeline } from 'eddy';
import { sqlLookupTable } from 'eddy/connectors';
import pg from 'pg';
import { map } from 'rxjs';
import { z } from 'zod';
import { benchInput, committedAll } from './bench-input.ts';

const encoder = new TextEncoder();
const Product = z.object({ id: z.string(), category: z.string() });

/** Creates the dimension table: `rows` products with a primary key. */
export async function createProducts(databaseUrl: string, rows: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('DROP TABLE IF EXISTS bench_products');
  await client.query('CREATE TABLE bench_products (id text PRIMARY KEY, category text NOT NULL)');
  await client.query(
    `INSERT INTO bench_products SELECT 'p' || i, 'category-' || (i % 50) FROM generate_series(0, ${rows - 1}) AS i`,
  );
  await client.end();
}

const counted = (name: string) =>
  defineActor({
    name,
    initial: () => ({ n: 0 }),
    decide: () => [{ type: 'Counted' as const }],
    evolve: (s: { n: number }) => ({ n: s.n + 1 }),
    snapshot: { every: 100, keep: 1 },
  });

type Case = 'no lookup' | 'lookup, cache on' | 'lookup, cache off';

/**
 * A pipeline of 1 000 customer keys whose records each name one of `products`
 * products, in order (so with the cache on, the first `products` records miss and
 * the rest hit): joined with the PostgreSQL table or not, into a counting actor on
 * a memory store, so that the figure is the join's.
 */
export async function lookupRun(
  databaseUrl: string,
  events: number,
  products: number,
  which: Case,
  name: string,
) {
  const { log, input, last } = await benchInput(name, events, (i) => ({
    key: `c${i % 1000}`,
    payload: encoder.encode(`{"p":"p${i % products}"}`),
  }));
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 8 });
  const table = sqlLookupTable({ db: pool, table: 'bench_products', key: 'id', schema: Product });
  const source = from(input, z.object({ p: z.string() }));
  const joined: Flow<{ p: string; category: string }> =
    which === 'no lookup'
      ? source.pipe(map((r) => ({ p: r.p, category: 'none' })))
      : source.pipe(
          lookupJoin(table, {
            key: (r) => r.p,
            select: (r, product) => ({ p: r.p, category: product.category }),
            cache:
              which === 'lookup, cache on' ? { maxEntries: products, ttlMs: 600_000 } : { maxEntries: 0 },
          }),
        );
  const running = pipeline(
    { name, log, store: new MemoryStore(), maxInFlight: 4000 },
    joined.pipe(actor(counted(`${name}.count`))),
  );
  const started = performance.now();
  await running.start();
  await committedAll(running, last);
  const seconds = (performance.now() - started) / 1000;
  await running.stop();
  await pool.end();
  return {
    events,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(events / seconds),
    cacheHits: which === 'lookup, cache on' ? Number((1 - products / events).toFixed(3)) : 0,
  };
}
