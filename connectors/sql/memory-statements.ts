/**
 * The SQL of long-term memory, per collection dimension `d` (an integer the
 * caller checked): the HNSW index is a partial index on the expression
 * `embedding::vector(d)` for one collection, so a query uses it only when it
 * orders by that same expression with `collection = $1`. Exact search orders
 * by the uncast column, which no index serves.
 */

function columns(t = '', embeddings = true): string {
  const embedding = embeddings ? `${t}embedding::text` : `'[]'`;
  return `${t}namespace, ${t}id, ${t}text, ${embedding} AS embedding, ${t}metadata, ${t}created_at, ${t}updated_at, ${t}expires_at`;
}

export function indexName(collection: string): string {
  return `eddy_memories_hnsw_${collection}`;
}

/** The collection's HNSW index (cosine), as pgvector's defaults and the bench use: m 16, ef_construction 64. */
export function createIndexSql(collection: string, d: number): string {
  return `CREATE INDEX IF NOT EXISTS ${indexName(collection)} ON eddy_memories
  USING hnsw ((embedding::vector(${d})) vector_cosine_ops) WITH (m = 16, ef_construction = 64)
  WHERE collection = '${collection}'`;
}

/** Which optional filters a recall has: each is a parameter after the fixed ones, in this order. */
export interface RecallShape {
  readonly exact: boolean;
  readonly hybrid: boolean;
  readonly metadata: boolean;
  readonly from: boolean;
  readonly before: boolean;
  readonly embeddings: boolean;
}

/**
 * The filters of a recall: $1 collection, $3 namespaces, $4 now, then only
 * the optional ones it has (a filter that is not asked for is not in the SQL,
 * so the planner never weighs it), numbered from `first`.
 */
function filters(shape: RecallShape, first: number, t = ''): string {
  const parts = [
    `${t}collection = $1`,
    `${t}namespace = ANY($3::text[])`,
    `(${t}expires_at IS NULL OR ${t}expires_at > $4)`,
  ];
  let n = first;
  if (shape.metadata) parts.push(`${t}metadata @> $${n++}::jsonb`);
  if (shape.from) parts.push(`${t}created_at >= $${n++}`);
  if (shape.before) parts.push(`${t}created_at < $${n++}`);
  return parts.join(' AND ');
}

function distance(d: number, exact: boolean, table = ''): string {
  return exact ? `${table}embedding <=> $2::vector` : `${table}embedding::vector(${d}) <=> $2::vector(${d})`;
}

/**
 * A recall's SQL for the top `k` (written into the text, as a hand-written
 * query would: a parameter there lets a generic plan guess the row count).
 * Plain: optional filters from $5; the top k by cosine distance. Hybrid: $5
 * how deep each ranking goes, $6 the text, optional filters from $7; vector
 * and full-text rankings fused
 * by reciprocal rank (k = 60, as in the RRF paper), so a record both rank
 * high comes first and one only the words find (an error code) still makes
 * the list. The text's words are OR-ed: any of them matches.
 */
export function recallSql(d: number, k: number, shape: RecallShape): string {
  const dist = distance(d, shape.exact);
  if (!shape.hybrid) {
    return `SELECT ${columns('', shape.embeddings)}, 1 - (${dist}) AS score
  FROM eddy_memories
 WHERE ${filters(shape, 5)}
 ORDER BY ${dist}
 LIMIT ${k}`;
  }
  return `WITH q AS (
  SELECT replace(plainto_tsquery('simple', $6)::text, '&', '|')::tsquery AS words
), v AS (
  SELECT namespace, id, row_number() OVER (ORDER BY dist, namespace, id) AS r
    FROM (SELECT namespace, id, ${dist} AS dist
            FROM eddy_memories
           WHERE ${filters(shape, 7)}
           ORDER BY ${dist}
           LIMIT $5) AS nearest
), t AS (
  SELECT namespace, id, row_number() OVER (ORDER BY rank DESC, namespace, id) AS r
    FROM (SELECT m.namespace, m.id, ts_rank_cd(m.words, q.words) AS rank
            FROM eddy_memories m, q
           WHERE ${filters(shape, 7, 'm.')}
             AND m.words @@ q.words
           ORDER BY rank DESC, m.namespace, m.id
           LIMIT $5) AS worded
), fused AS (
  SELECT namespace, id, COALESCE(1.0 / (60 + v.r), 0) + COALESCE(1.0 / (60 + t.r), 0) AS rrf
    FROM v FULL JOIN t USING (namespace, id)
)
SELECT ${columns('m.', shape.embeddings)},
       1 - (${distance(d, shape.exact, 'm.')}) AS score, fused.rrf::float8 AS rrf
  FROM fused JOIN eddy_memories m ON m.collection = $1 AND m.namespace = fused.namespace AND m.id = fused.id
 ORDER BY fused.rrf DESC, m.namespace, m.id
 LIMIT ${k}`;
}

/** The nearest other record of a namespace ($1 collection, $2 vector, $3 namespace, $4 id, $5 now). */
export function nearestSql(d: number): string {
  return `SELECT id, 1 - (${distance(d, false)}) AS similarity
  FROM eddy_memories
 WHERE collection = $1 AND namespace = $3 AND id <> $4 AND (expires_at IS NULL OR expires_at > $5)
 ORDER BY ${distance(d, false)}
 LIMIT 1`;
}

export const UPSERT_SQL = `INSERT INTO eddy_memories
  (collection, namespace, id, text, embedding, metadata, created_at, updated_at, expires_at)
VALUES ($1, $2, $3, $4, $5::vector, $6::jsonb, $7, $7, $8)
ON CONFLICT (collection, namespace, id) DO UPDATE
   SET text = excluded.text, embedding = excluded.embedding, metadata = excluded.metadata,
       updated_at = excluded.updated_at, expires_at = excluded.expires_at
RETURNING (xmax = 0) AS inserted`;

/** Many upserts in one statement (rows as JSON, distinct ids): what a batch without dedup writes. */
export const UPSERT_MANY_SQL = `INSERT INTO eddy_memories
  (collection, namespace, id, text, embedding, metadata, created_at, updated_at, expires_at)
SELECT $1, r.namespace, r.id, r.text, r.embedding::vector, r.metadata, r.at, r.at, r.expires_at
  FROM json_to_recordset($2::json)
       AS r(namespace text, id text, text text, embedding text, metadata jsonb, at bigint, expires_at bigint)
ON CONFLICT (collection, namespace, id) DO UPDATE
   SET text = excluded.text, embedding = excluded.embedding, metadata = excluded.metadata,
       updated_at = excluded.updated_at, expires_at = excluded.expires_at
RETURNING namespace, id, (xmax = 0) AS inserted`;

/** A commit's memory upserts (rows as JSON, at most one per record), in the commit's transaction. */
export const COMMIT_MEMORIES_SQL = `INSERT INTO eddy_memories
  (collection, namespace, id, text, embedding, metadata, created_at, updated_at, expires_at)
SELECT r.c, r.n, r.i, r.t, r.e::vector, r.m, r.a, r.a, r.x
  FROM json_to_recordset($1::json) AS r(c text, n text, i text, t text, e text, m jsonb, a bigint, x bigint)
ON CONFLICT (collection, namespace, id) DO UPDATE
   SET text = excluded.text, embedding = excluded.embedding, metadata = excluded.metadata,
       updated_at = excluded.updated_at, expires_at = excluded.expires_at`;

/** A commit's memory deletes. */
export const COMMIT_FORGETS_SQL = `DELETE FROM eddy_memories m
 USING json_to_recordset($1::json) AS r(c text, n text, i text)
 WHERE m.collection = r.c AND m.namespace = r.n AND m.id = r.i`;

export const DELETE_SQL = `DELETE FROM eddy_memories WHERE collection = $1 AND namespace = $2 AND id = $3 RETURNING id`;

export const GET_SQL = `SELECT ${columns()} FROM eddy_memories WHERE collection = $1 AND namespace = $2 AND id = $3`;

export const PURGE_SQL = `DELETE FROM eddy_memories WHERE collection = $1 AND expires_at IS NOT NULL AND expires_at <= $2`;

export const COUNT_SQL = `SELECT count(*)::integer AS n FROM eddy_memories
 WHERE collection = $1 AND ($2::text IS NULL OR namespace = $2)`;

export const ENSURE_COLLECTION_SQL = `INSERT INTO eddy_memory_collections (name, dimensions) VALUES ($1, $2)
ON CONFLICT (name) DO NOTHING`;

export const COLLECTION_SQL = `SELECT dimensions FROM eddy_memory_collections WHERE name = $1`;
