// Comparison 3: vector memory. Mastra's PgVector (@mastra/pg) against eddy's long-term memory on
// the same PostgreSQL and the same N × 384 vectors (HNSW, cosine, m 16, ef_construction 64, one
// ef_search for every query), plus one hand-written prepared query on each index as the baseline:
// ingest vectors/s, top-10 p50/p99 (interleaved rounds, one query at a time), recall@10 against an
// exact scan. Clustered vectors, then random ones (HNSW's worst case).
import { PgVector } from '@mastra/pg';
import { PgStore } from 'eddy/connectors';
import { sqlMemory } from 'eddy/memory';
import pg from 'pg';
import { goalLine } from '../report/bench-line.ts';
import { DIM, exactTopK, type Kind, percentile, queries, recallAtK } from '../vectors.ts';
import { ingestEddy, ingestMastra, K, plans, sides, timedRounds } from './memory-sides.ts';
import { type PeerSettings, type Print, progress, round } from './settings.ts';

async function compare(databaseUrl: string, settings: PeerSettings, kind: Kind, count: number, print: Print) {
  const ef = settings.efSearch;
  // eddy's and the baselines' connections start with this ef_search; Mastra sets it per query (`ef`).
  const options = `-c hnsw.ef_search=${ef} -c hnsw.iterative_scan=strict_order`;
  const eddyPool = new pg.Pool({ connectionString: databaseUrl, max: 10, options });
  const rawPool = new pg.Pool({ connectionString: databaseUrl, max: 1, options });
  const store = new PgStore({ pool: eddyPool });
  const mastra = new PgVector({ id: 'peers-bench', connectionString: databaseUrl });
  const name = `peers_${kind}_${Date.now()}`;
  try {
    await store.migrate();
    const memory = await sqlMemory(store).collection({ name, dimensions: DIM });
    await mastra.createIndex({
      indexName: name,
      dimension: DIM,
      metric: 'cosine',
      indexConfig: { type: 'hnsw', hnsw: { m: 16, efConstruction: 64 } },
    });
    progress(`mastra: ingest ${count} ${kind} vectors, eddy`);
    const ingest = { eddy: await ingestEddy(memory, kind, count), mastra: 0 };
    progress(`mastra: ingest ${count} ${kind} vectors, Mastra`);
    ingest.mastra = await ingestMastra(mastra, name, kind, count);
    // What autovacuum does to a table this size: without statistics the planner misjudges the queries.
    await rawPool.query(`ANALYZE eddy_memories; ANALYZE ${pg.escapeIdentifier(name)}`);
    const all = sides(name, memory, mastra, rawPool, ef);
    const qs = queries(kind, settings.queries);
    progress(`mastra: ${qs.length} queries per side, ${kind}`);
    const times = await timedRounds(all, qs);
    const sample = qs.slice(0, Math.min(qs.length, 50));
    progress(`mastra: exact top-${K} of ${sample.length} queries by a scan`);
    const exact = exactTopK(kind, count, sample, K);
    const plan = await plans(name, rawPool, qs[0] ?? []);
    const [seen] = (await eddyPool.query<{ ef: string }>("SELECT current_setting('hnsw.ef_search') AS ef"))
      .rows;
    const p50 = new Map<string, number>();
    for (const side of all) {
      const sorted = times.get(side.name) as number[];
      const found: string[][] = [];
      for (const q of sample) found.push(await side.query(q));
      p50.set(side.name, percentile(sorted, 50));
      const eddySide = side.name.includes('eddy');
      print({
        case: `mastra: ${side.name}, top-${K}, ${count} ${kind} vectors`,
        peer: 'mastra',
        side: side.name,
        kind,
        vectors: count,
        dim: DIM,
        efSearch: side.name === 'eddy recall' ? Number(seen?.ef) : ef,
        ...(side.name === 'eddy recall' ? { ingestPerSec: ingest.eddy } : {}),
        ...(side.name === 'Mastra query' ? { ingestPerSec: ingest.mastra } : {}),
        queries: sorted.length,
        p50Ms: round(percentile(sorted, 50), 3),
        p99Ms: round(percentile(sorted, 99), 3),
        recallAt10: recallAtK(found, exact, K),
        plan: eddySide ? plan.eddy : plan.mastra,
      });
    }
    const ratio = (a: string, b: string) => round((p50.get(a) as number) / (p50.get(b) as number));
    const extra = { peer: 'mastra', kind, vectors: count, efSearch: ef };
    const suffix = kind === 'clustered' ? '' : `, ${kind} vectors`;
    const eddyRaw = ratio('eddy recall', 'raw SQL, eddy table');
    // The goal is held on embeddings-like vectors; random ones say how the worst case compares.
    if (kind === 'clustered')
      print(goalLine('ratio eddy / raw SQL p50', eddyRaw, { op: '<=', value: 1.1 }, extra));
    else print({ case: `ratio eddy / raw SQL p50${suffix}`, ratio: eddyRaw, ...extra });
    print({
      case: `ratio eddy / raw SQL with a binary vector p50${suffix}`,
      ratio: ratio('eddy recall', 'raw SQL, eddy table, binary vector'),
      ...extra,
    });
    print({
      case: `ratio eddy / Mastra p50${suffix}`,
      ratio: ratio('eddy recall', 'Mastra query'),
      ...extra,
    });
    const mastraRaw = ratio('Mastra query', 'raw SQL, Mastra table');
    print({ case: `ratio Mastra / raw SQL on its table p50${suffix}`, ratio: mastraRaw, ...extra });
    await mastra.deleteIndex({ indexName: name });
  } finally {
    await mastra.disconnect();
    await store.close();
    await eddyPool.end();
    await rawPool.end();
  }
}

export async function mastraCases(databaseUrl: string, settings: PeerSettings, print: Print): Promise<void> {
  await compare(databaseUrl, settings, 'clustered', settings.vectors, print);
  if (settings.randomVectors > 0)
    await compare(databaseUrl, settings, 'random', settings.randomVectors, print);
}
