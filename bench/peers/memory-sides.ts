// The four ways the memory comparison queries the same vectors: eddy's recall, Mastra's query, and
// one hand-written prepared query on each of their indexes. Each side loads the vectors itself.
import type { PgVector } from '@mastra/pg';
import { vectorBinary } from 'eddy/connectors';
import type { MemoryCollection } from 'eddy/memory';
import pg from 'pg';
import { batches, DIM, idOf, type Kind, textOf } from '../vectors.ts';

export const K = 10;
const NAMESPACE = 'bench';
const NOW = 1_900_000_000_000;
const vectorText = (q: readonly number[]) => `[${q.join(',')}]`;

export type Side = { readonly name: string; readonly query: (q: number[]) => Promise<string[]> };

export async function ingestEddy(c: MemoryCollection, kind: Kind, count: number): Promise<number> {
  const started = performance.now();
  for (const [start, batch] of batches(kind, count)) {
    await c.write(
      batch.map((embedding, j) => ({
        kind: 'upsert' as const,
        namespace: NAMESPACE,
        id: idOf(start + j),
        text: textOf(start + j),
        embedding,
        at: 1_800_000_000_000 + start + j,
      })),
    );
  }
  return Math.round(count / ((performance.now() - started) / 1000));
}

export async function ingestMastra(store: PgVector, indexName: string, kind: Kind, count: number) {
  const started = performance.now();
  for (const [start, batch] of batches(kind, count)) {
    await store.upsert({
      indexName,
      vectors: batch,
      ids: batch.map((_, j) => idOf(start + j)),
      metadata: batch.map((_, j) => ({ text: textOf(start + j) })),
    });
  }
  return Math.round(count / ((performance.now() - started) / 1000));
}

/** The hand-written queries: the same columns, expression, filters and k as each store's own. */
function rawQueries(collection: string) {
  const table = pg.escapeIdentifier(collection);
  return {
    eddy: `SELECT namespace, id, text, metadata, created_at, updated_at, expires_at,
       1 - (embedding::vector(${DIM}) <=> $2::vector(${DIM})) AS score
  FROM eddy_memories WHERE collection = $1 AND namespace = ANY($3::text[])
   AND (expires_at IS NULL OR expires_at > $4)
 ORDER BY embedding::vector(${DIM}) <=> $2::vector(${DIM}) LIMIT ${K}`,
    mastra: `SELECT vector_id AS id, 1 - (embedding <=> $1::vector(${DIM})) AS score, metadata
  FROM ${table} WHERE namespace = 'default'
 ORDER BY embedding <=> $1::vector(${DIM}) LIMIT ${K}`,
  };
}

export function sides(
  collection: string,
  memory: MemoryCollection,
  mastra: PgVector,
  raw: pg.Pool,
  ef: number,
): Side[] {
  const sql = rawQueries(collection);
  const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);
  return [
    {
      name: 'eddy recall',
      query: async (q) =>
        (await memory.recall({ namespaces: [NAMESPACE], embedding: q, k: K, now: NOW })).map(
          (h) => h.record.id,
        ),
    },
    {
      name: 'raw SQL, eddy table',
      query: async (q) => {
        const values = [collection, vectorText(q), [NAMESPACE], NOW];
        return ids(
          (await raw.query<{ id: string }>({ name: `eddy-${collection}`, text: sql.eddy, values })).rows,
        );
      },
    },
    {
      // The fastest hand-written form: the vector as pgvector's binary input, as eddy sends it to pg.
      name: 'raw SQL, eddy table, binary vector',
      query: async (q) => {
        const values = [collection, vectorBinary(q), [NAMESPACE], NOW];
        return ids(
          (await raw.query<{ id: string }>({ name: `eddy-bin-${collection}`, text: sql.eddy, values })).rows,
        );
      },
    },
    {
      name: 'Mastra query',
      query: async (q) =>
        (await mastra.query({ indexName: collection, queryVector: q, topK: K, ef })).map((r) => r.id),
    },
    {
      name: 'raw SQL, Mastra table',
      query: async (q) => {
        const values = [vectorText(q)];
        return ids(
          (await raw.query<{ id: string }>({ name: `mastra-${collection}`, text: sql.mastra, values })).rows,
        );
      },
    },
  ];
}

/** How PostgreSQL runs each table's query (a small table is scanned, not searched through its index). */
export async function plans(collection: string, raw: pg.Pool, q: readonly number[]) {
  const sql = rawQueries(collection);
  const plan = async (text: string, values: unknown[]) => {
    const client = await raw.connect();
    try {
      // The query's own plan for these values, as Mastra's (its vector written into the text) gets.
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, values);
      const first = rows.map((r) => r['QUERY PLAN']).find((line) => /Scan/.test(line)) ?? '';
      return first
        .trim()
        .replace(/^->\s*/, '')
        .replace(/\s+\(cost.*$/, '');
    } finally {
      client.release();
    }
  };
  return {
    eddy: await plan(sql.eddy, [collection, vectorText(q), [NAMESPACE], NOW]),
    mastra: await plan(sql.mastra, [vectorText(q)]),
  };
}

/** Times every side on the same queries, one at a time, in four interleaved rounds after a warm-up. */
export async function timedRounds(
  all: readonly Side[],
  qs: readonly number[][],
): Promise<Map<string, number[]>> {
  const times = new Map(all.map((s) => [s.name, [] as number[]]));
  for (const q of qs.slice(0, 20)) for (const side of all) await side.query(q);
  for (let r = 0; r < 4; r++) {
    const part = qs.slice(Math.floor((r * qs.length) / 4), Math.floor(((r + 1) * qs.length) / 4));
    for (const side of all) {
      const out = times.get(side.name) as number[];
      for (const q of part) {
        const t = performance.now();
        await side.query(q);
        out.push(performance.now() - t);
      }
    }
  }
  for (const out of times.values()) out.sort((a, b) => a - b);
  return times;
}
