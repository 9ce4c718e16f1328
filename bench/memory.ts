// bench:memory: long-term memory on PostgreSQL + pgvector (100k × 384, HNSW m 16, ef_construction 64)
// and PGlite (20k × 384): ingest vectors/s; top-10 recall p50/p99 and recall@10 against exact search;
// eddy's recall against one raw prepared SQL query on the same index and ef_search, in the same run;
// hybrid recall p50/p99. Prints one JSON line per measurement.
import { from, MemoryLog, pipeline, type Store } from 'eddy';
import { PgliteStore, PgStore, vectorBinary } from 'eddy/connectors';
import {
  embed,
  type MemoryCollection,
  type MemoryUpsert,
  offlineEmbedder,
  sqlMemory,
  upsertVectors,
} from 'eddy/memory';
import pg from 'pg';
import { z } from 'zod';
import { startTestServices } from '../test/services/test-services.ts';
import { goalLine, printer } from './report/bench-line.ts';
import { DIM, random, vector } from './vectors.ts';

const K = 10;
const print = printer('memory');
const QUERIES = Number(process.env.BENCH_QUERIES ?? 500);
const WORDS = [
  'checkout',
  'payment',
  'timeout',
  'ECONNRESET',
  'ledger',
  'refund',
  'latency',
  'disk',
  'queue',
  'dns',
];

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
const ms = (x: number) => Math.round(x * 1000) / 1000;

async function ingest(c: MemoryCollection, count: number): Promise<number> {
  const next = random(7);
  const started = performance.now();
  for (let i = 0; i < count; i += 1000) {
    const batch: MemoryUpsert[] = [];
    for (let j = i; j < Math.min(count, i + 1000); j++) {
      batch.push({
        kind: 'upsert',
        namespace: `ns${j % 10}`,
        id: `m${j}`,
        text: `${WORDS[j % WORDS.length]} incident E${j % 5000} on host${j % 97}`,
        embedding: vector('clustered', next),
        at: 1_800_000_000_000 + j,
      });
    }
    await c.write(batch);
  }
  return count / ((performance.now() - started) / 1000);
}

async function timed(n: number, one: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await one(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function measure(
  store: string,
  c: MemoryCollection,
  count: number,
  /** Hand-written queries on the same index: the first is the goal's baseline. */
  baselines: readonly Baseline[],
  analyze: () => Promise<unknown>,
) {
  const ingestPerSec = await ingest(c, count);
  await analyze();
  print({
    case: `${store}: ingest ${count} × ${DIM} (batches of 1 000, HNSW kept up to date)`,
    store,
    vectors: count,
    dim: DIM,
    vectorsPerSec: Math.round(ingestPerSec),
  });
  const next = random(99);
  const queries = Array.from({ length: QUERIES }, () => vector('clustered', next));
  const namespaces = Array.from({ length: 10 }, (_, i) => `ns${i}`);
  const now = 1_900_000_000_000;
  const recall = (q: number[], exact = false) => c.recall({ namespaces, embedding: q, k: K, now, exact });
  // Warm both paths (plans, caches) before measuring either.
  for (const q of queries.slice(0, 20)) {
    await recall(q);
    for (const b of baselines) await b.query(q);
  }
  // Interleaved rounds, so drift in the machine hits both the same.
  const eddy: number[] = [];
  const sql = baselines.map(() => [] as number[]);
  for (let round = 0; round < 4; round++) {
    const part = queries.slice((round * QUERIES) / 4, ((round + 1) * QUERIES) / 4);
    eddy.push(...(await timed(part.length, (i) => recall(part[i] as number[]))));
    for (const [b, times] of sql.entries()) {
      times.push(...(await timed(part.length, (i) => (baselines[b] as Baseline).query(part[i] as number[]))));
    }
  }
  eddy.sort((a, b) => a - b);
  for (const times of sql) times.sort((a, b) => a - b);
  let found = 0;
  const sample = queries.slice(0, 50);
  for (const q of sample) {
    const approx = new Set((await recall(q)).map((h) => h.record.id));
    for (const h of await recall(q, true)) if (approx.has(h.record.id)) found++;
  }
  const hybrid = await timed(Math.min(QUERIES, 200), (i) =>
    c.recall({
      namespaces,
      embedding: queries[i] as number[],
      k: K,
      now,
      // An error code, as an operator searches for one: a few records carry it.
      text: `E${(i * 37) % 5000}`,
    }),
  );
  const recallAt10 = Math.round((found / (sample.length * K)) * 1000) / 1000;
  print({
    case: `${store}: top-10 recall, eddy`,
    store,
    vectors: count,
    p50Ms: ms(percentile(eddy, 50)),
    p99Ms: ms(percentile(eddy, 99)),
    recall: recallAt10,
  });
  for (const [b, times] of sql.entries()) {
    print({
      case: `${store}: top-10, ${(baselines[b] as Baseline).name}`,
      store,
      vectors: count,
      p50Ms: ms(percentile(times, 50)),
      p99Ms: ms(percentile(times, 99)),
    });
  }
  print({
    case: `${store}: hybrid recall (vector + full text, RRF) for an error code`,
    store,
    vectors: count,
    p50Ms: ms(percentile(hybrid, 50)),
    p99Ms: ms(percentile(hybrid, 99)),
  });
  const ratio = (times: number[]) => Math.round((percentile(eddy, 50) / percentile(times, 50)) * 100) / 100;
  print(
    goalLine(`${store}: ratio eddy / raw SQL at p50`, ratio(sql[0] as number[]), { op: '<=', value: 1.1 }),
  );
  for (const [b, times] of sql.entries()) {
    if (b > 0)
      print({
        case: `${store}: ratio eddy / ${(baselines[b] as Baseline).name} at p50`,
        ratio: ratio(times),
      });
  }
}

interface Baseline {
  readonly name: string;
  readonly query: (q: number[]) => Promise<unknown>;
}

/**
 * Freshness: how long from appending a document to the pipeline's input
 * until a recall can find it (embedded and written in its input's commit),
 * one document at a time.
 */
async function freshness(store: Store, c: MemoryCollection, count: number): Promise<void> {
  const log = new MemoryLog();
  await log.ensureTopic({ subject: 'docs', partitions: 1 });
  const docs = pipeline(
    { name: `fresh-${c.name}`, log, store },
    from('docs', z.object({ id: z.string(), text: z.string() })).pipe(
      embed(offlineEmbedder({ dimensions: DIM }), { text: (d) => d.text }),
      upsertVectors(c, {
        namespace: () => 'fresh',
        id: (d) => d.id,
        text: (d) => d.text,
        embedding: (d) => d.embedding,
      }),
    ),
  );
  docs.subscribe();
  await docs.start();
  const took: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const doc = { id: `d${i}`, text: `runbook ${i}: restart the worker on E${i}` };
    await log.append('docs', {
      key: doc.id,
      msgId: doc.id,
      payload: new TextEncoder().encode(JSON.stringify(doc)),
    });
    while ((await c.get('fresh', doc.id)) === undefined) await new Promise((r) => setTimeout(r, 1));
    took.push(performance.now() - started);
  }
  await docs.stop();
  took.sort((a, b) => a - b);
  print({
    case: 'freshness: a document appended to the input → found by a recall',
    documents: count,
    p50Ms: ms(percentile(took, 50)),
    p99Ms: ms(percentile(took, 99)),
  });
}

/** The hand-written query: one prepared statement on the same index (same expression, same filters). */
const RAW = `SELECT namespace, id, text, metadata, created_at, updated_at, expires_at,
       1 - (embedding::vector(${DIM}) <=> $2::vector(${DIM})) AS score
  FROM eddy_memories WHERE collection = $1 AND namespace = ANY($3::text[])
   AND (expires_at IS NULL OR expires_at > $4)
 ORDER BY embedding::vector(${DIM}) <=> $2::vector(${DIM}) LIMIT ${K}`;
const text = (q: readonly number[]) => `[${q.join(',')}]`;
const allNamespaces = Array.from({ length: 10 }, (_, i) => `ns${i}`);

const services = await startTestServices();
try {
  const store = new PgStore({ url: services.databaseUrl });
  await store.migrate();
  const c = await sqlMemory(store).collection({ name: `bench_${Date.now()}`, dimensions: DIM });
  const pool = new pg.Pool({ connectionString: services.databaseUrl, max: 1 });
  await measure(
    'postgres',
    c,
    Number(process.env.BENCH_VECTORS ?? 100_000),
    [
      {
        name: 'one raw prepared SQL query',
        query: (q) =>
          pool.query({
            name: 'bench-raw-recall',
            text: RAW,
            values: [c.name, text(q), allNamespaces, 1_900_000_000_000],
          }),
      },
      {
        // The fastest hand-written form: the vector as pgvector's binary input, as eddy sends it to pg.
        name: 'the same query with a binary vector parameter',
        query: (q) =>
          pool.query({
            name: 'bench-raw-recall-binary',
            text: RAW,
            values: [c.name, vectorBinary(q), allNamespaces, 1_900_000_000_000],
          }),
      },
    ],
    // What autovacuum does to a table this size: without statistics the planner misjudges both queries.
    () => pool.query('ANALYZE eddy_memories'),
  );
  await pool.end();
  await freshness(
    store,
    await sqlMemory(store).collection({ name: `fresh_${Date.now()}`, dimensions: DIM }),
    200,
  );
  await store.close();

  const lite = new PgliteStore();
  await lite.migrate();
  const lc = await sqlMemory(lite).collection({ name: 'bench', dimensions: DIM });
  await measure(
    'pglite',
    lc,
    Number(process.env.BENCH_PGLITE_VECTORS ?? 20_000),
    [
      {
        name: 'one raw prepared SQL query',
        query: (q) => lite.db.query(RAW, [lc.name, text(q), allNamespaces, 1_900_000_000_000]),
      },
    ],
    () => lite.db.query('ANALYZE eddy_memories'),
  );
  await lite.close();
} finally {
  await services.stop();
}
