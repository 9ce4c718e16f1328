/**
 * The SQL of long-term memory, per collection dimension `d` (an integer the
 * caller checked): the HNSW index is a partial index on the expression
 * `embedding::vector(d)` for one collection, so a query uses it only when it
 * orders by that same expression with `collection = $1`. Exact search orders
 * by the uncast column, which no index serves.
 */

function columns(t = ''): string {
  return `${t}namespace, ${t}id, ${t}text, ${t}embedding::text AS embedding, ${t}metadata, ${t}created_at, ${t}updated_at, ${t}expires_at`;
}

/** The filters every recall applies ($1 collection, $3 namespaces, $4 now, $5 metadata, $6..$7 created). */
function filters(t = ''): string {
  return `${t}collection = $1 AND ${t}namespace = ANY($3::text[])
   AND (${t}expires_at IS NULL OR ${t}expires_at > $4)
   AND ${t}metadata @> $5::jsonb
   AND ${t}created_at >= $6 AND ${t}created_at < $7`;
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

function distance(d: number, exact: boolean, table = ''): string {
  return exact ? `${table}embedding <=> $2::vector` : `${table}embedding::vector(${d}) <=> $2::vector(${d})`;
}

/** Top $8 by cosine distance; params: see `filters`, $2 the query vector. */
export function recallSql(d: number, exact: boolean): string {
  return `SELECT ${columns()}, 1 - (${distance(d, exact)}) AS score
  FROM eddy_memories
 WHERE ${filters()}
 ORDER BY ${distance(d, exact)}
 LIMIT $8`;
}

/**
 * Vector and full-text rankings (each the top $9), fused by reciprocal rank
 * (k = 60, as in the RRF paper): a record both rank high comes first, and
 * one only the words find (an error code) still makes the list. $10 is the
 * text; its words are OR-ed, so any of them matches.
 */
export function hybridSql(d: number, exact: boolean): string {
  return `WITH q AS (
  SELECT replace(plainto_tsquery('simple', $10)::text, '&', '|')::tsquery AS words
), v AS (
  SELECT namespace, id, row_number() OVER (ORDER BY dist, namespace, id) AS r
    FROM (SELECT namespace, id, ${distance(d, exact)} AS dist
            FROM eddy_memories
           WHERE ${filters()}
           ORDER BY ${distance(d, exact)}
           LIMIT $9) AS nearest
), t AS (
  SELECT namespace, id, row_number() OVER (ORDER BY rank DESC, namespace, id) AS r
    FROM (SELECT m.namespace, m.id, ts_rank_cd(m.words, q.words) AS rank
            FROM eddy_memories m, q
           WHERE ${filters('m.')}
             AND m.words @@ q.words
           ORDER BY rank DESC, m.namespace, m.id
           LIMIT $9) AS worded
), fused AS (
  SELECT namespace, id, COALESCE(1.0 / (60 + v.r), 0) + COALESCE(1.0 / (60 + t.r), 0) AS rrf
    FROM v FULL JOIN t USING (namespace, id)
)
SELECT ${columns('m.')},
       1 - (${distance(d, exact, 'm.')}) AS score, fused.rrf::float8 AS rrf
  FROM fused JOIN eddy_memories m ON m.collection = $1 AND m.namespace = fused.namespace AND m.id = fused.id
 ORDER BY fused.rrf DESC, m.namespace, m.id
 LIMIT $8`;
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

export const DELETE_SQL = `DELETE FROM eddy_memories WHERE collection = $1 AND namespace = $2 AND id = $3 RETURNING id`;

export const GET_SQL = `SELECT ${columns()} FROM eddy_memories WHERE collection = $1 AND namespace = $2 AND id = $3`;

export const PURGE_SQL = `DELETE FROM eddy_memories WHERE collection = $1 AND expires_at IS NOT NULL AND expires_at <= $2`;

export const COUNT_SQL = `SELECT count(*)::integer AS n FROM eddy_memories
 WHERE collection = $1 AND ($2::text IS NULL OR namespace = $2)`;

export const ENSURE_COLLECTION_SQL = `INSERT INTO eddy_memory_collections (name, dimensions) VALUES ($1, $2)
ON CONFLICT (name) DO NOTHING`;

export const COLLECTION_SQL = `SELECT dimensions FROM eddy_memory_collections WHERE name = $1`;
