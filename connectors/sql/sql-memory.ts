import { registerMemoryCollection } from '../../core/store/memory-collections.ts';
import type { Json } from '../../core/store/store.ts';
import type {
  CollectionSpec,
  LongTermMemory,
  MemoryCollection,
} from '../../memory/long-term/long-term-memory.ts';
import { MemoryCollectionError, MemoryInputError } from '../../memory/long-term/memory-errors.ts';
import type {
  MemoryRecord,
  MemoryUpsert,
  MemoryWrite,
  Recalled,
  RecallQuery,
  WriteOutcome,
} from '../../memory/long-term/memory-record.ts';
import { parseVector, vectorProblem, vectorText } from '../../memory/long-term/vector-text.ts';
import {
  COLLECTION_SQL,
  COUNT_SQL,
  createIndexSql,
  DELETE_SQL,
  ENSURE_COLLECTION_SQL,
  GET_SQL,
  nearestSql,
  PURGE_SQL,
  type RecallShape,
  recallSql,
  UPSERT_MANY_SQL,
  UPSERT_SQL,
} from './memory-statements.ts';
import { migrate } from './migrate.ts';
import { memoryMigrations } from './migrations.ts';
import type { SqlDriver, SqlQueryable, SqlRow } from './sql-driver.ts';
import type { SqlStore } from './sql-store.ts';
import { storeDriver } from './store-driver.ts';

// The index is eddy_memories_hnsw_<name>: PostgreSQL cuts identifiers at 63 bytes.
const NAME = /^[a-z][a-z0-9_]{0,43}$/;
/** Serializes collection creation (`memo` in ASCII): index DDL must not race. */
const COLLECTION_LOCK = 0x6d656d6f;
const DEFAULT_K = 5;
/** How deep each ranking of a hybrid recall goes before fusing. */
const HYBRID_DEPTH = 40;

/**
 * Long-term memory in the store's PostgreSQL database: `PgStore` (pgvector
 * on the server) or `PgliteStore` (PGlite's vector extension), the same SQL
 * on both. Run `store.migrate()` first; the memory tables come with the
 * first `collection(...)` (`memoryMigrations`, recorded with the store's).
 * Each collection gets an HNSW index (cosine; m 16, ef_construction
 * 64) of its own dimension.
 *
 * @example
 * ```ts
 * const store = new PgliteStore();
 * await store.migrate();
 * const notes = await sqlMemory(store).collection({ name: 'notes', dimensions: 384 });
 * ```
 */
export function sqlMemory(store: SqlStore): LongTermMemory {
  const driver = storeDriver(store);
  return {
    collection: async (spec) => {
      await memoryTables(driver);
      const dimensions = await ensureCollection(driver, spec);
      registerMemoryCollection(spec.name, dimensions);
      return new SqlMemoryCollection(driver, { ...spec, dimensions });
    },
  };
}

const migrated = new WeakMap<SqlDriver, Promise<void>>();

/** The memory tables, made on first use (see `memoryMigrations`); once per driver. */
function memoryTables(driver: SqlDriver): Promise<void> {
  let done = migrated.get(driver);
  if (done === undefined) {
    done = migrate(driver, memoryMigrations);
    migrated.set(driver, done);
    // A failed attempt is not kept: the next collection() tries again.
    done.catch(() => migrated.delete(driver));
  }
  return done;
}

async function ensureCollection(driver: SqlDriver, spec: CollectionSpec): Promise<number> {
  const { name, dimensions } = spec;
  if (!NAME.test(name)) {
    throw new MemoryCollectionError(name, 'a name is a lower-case letter, then up to 43 of a-z, 0-9 and _');
  }
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 2000) {
    throw new MemoryCollectionError(name, `dimensions must be an integer in 1..2000, got ${dimensions}`);
  }
  const t = spec.dedupThreshold;
  if (t !== undefined && !(t > -1 && t <= 1)) {
    throw new MemoryCollectionError(name, `dedupThreshold is a cosine similarity in (-1, 1], got ${t}`);
  }
  return driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [COLLECTION_LOCK]);
    await tx.query(ENSURE_COLLECTION_SQL, [name, dimensions]);
    const [row] = await tx.query(COLLECTION_SQL, [name]);
    const stored = Number(row?.dimensions);
    if (stored !== dimensions) {
      throw new MemoryCollectionError(
        name,
        `it holds ${stored}-dimensional embeddings, not ${dimensions}; use another collection for another embedder`,
      );
    }
    await tx.exec(createIndexSql(name, dimensions));
    return dimensions;
  });
}

class SqlMemoryCollection implements MemoryCollection {
  readonly name: string;
  readonly dimensions: number;
  readonly #driver: SqlDriver;
  readonly #dedup: number | undefined;
  /** A recall's SQL per shape (which filters it has), made once. */
  readonly #recalls = new Map<string, string>();
  readonly #nearest: string;

  constructor(driver: SqlDriver, spec: CollectionSpec) {
    this.#driver = driver;
    this.name = spec.name;
    this.dimensions = spec.dimensions;
    this.#dedup = spec.dedupThreshold;
    const d = spec.dimensions;
    this.#nearest = nearestSql(d);
  }

  async write(writes: readonly MemoryWrite[]): Promise<readonly WriteOutcome[]> {
    for (const w of writes) this.#check(w);
    const upserts = writes.filter((w): w is MemoryUpsert => w.kind === 'upsert');
    if (
      this.#dedup === undefined &&
      upserts.length === writes.length &&
      writes.length > 1 &&
      distinct(upserts)
    ) {
      return this.#upsertMany(upserts);
    }
    return this.#driver.transaction(async (tx) => {
      const out: WriteOutcome[] = [];
      for (const w of writes) out.push(await this.#apply(tx, w));
      return out;
    });
  }

  /** One statement for a batch of plain upserts: a round trip per batch, not per record. */
  async #upsertMany(upserts: readonly MemoryUpsert[]): Promise<readonly WriteOutcome[]> {
    const rows = upserts.map((w) => ({
      namespace: w.namespace,
      id: w.id,
      text: w.text,
      embedding: vectorText(w.embedding),
      metadata: w.metadata ?? {},
      at: w.at,
      expires_at: w.expiresAt ?? null,
    }));
    const written = await this.#driver.query(UPSERT_MANY_SQL, [this.name, JSON.stringify(rows)]);
    const inserted = new Map(
      written.map((r) => [`${String(r.namespace)}\u0000${String(r.id)}`, r.inserted === true]),
    );
    return upserts.map((w) => ({
      kind: inserted.get(`${w.namespace}\u0000${w.id}`) ? 'inserted' : 'updated',
      id: w.id,
    }));
  }

  async #apply(tx: SqlQueryable, w: MemoryWrite): Promise<WriteOutcome> {
    if (w.kind === 'delete') {
      const rows = await tx.query(DELETE_SQL, [this.name, w.namespace, w.id]);
      return { kind: 'deleted', id: w.id, existed: rows.length > 0 };
    }
    const vector = this.#vector(w.embedding);
    let id = w.id;
    let merged: { into: string; similarity: number } | undefined;
    if (this.#dedup !== undefined) {
      const [exists] = await tx.query(GET_SQL, [this.name, w.namespace, w.id]);
      const [near] = exists
        ? []
        : await tx.query(this.#nearest, [this.name, vector, w.namespace, w.id, w.at]);
      const similarity = Number(near?.similarity);
      if (near && similarity >= this.#dedup) {
        id = String(near.id);
        merged = { into: id, similarity };
      }
    }
    const [row] = await tx.query(UPSERT_SQL, [
      this.name,
      w.namespace,
      id,
      w.text,
      vector,
      JSON.stringify(w.metadata ?? {}),
      w.at,
      w.expiresAt ?? null,
    ]);
    if (merged) return { kind: 'merged', id: w.id, ...merged };
    return { kind: row?.inserted === true ? 'inserted' : 'updated', id };
  }

  #check(w: MemoryWrite): void {
    const problem =
      typeof w.namespace !== 'string' || w.namespace === ''
        ? 'a write needs a namespace'
        : typeof w.id !== 'string' || w.id === ''
          ? 'a write needs an id'
          : w.kind === 'upsert'
            ? (vectorProblem(w.embedding, this.dimensions) ??
              (typeof w.text !== 'string' ? 'the text is not a string' : undefined) ??
              (Number.isSafeInteger(w.at) ? undefined : `at must be a time in ms, got ${w.at}`) ??
              (w.expiresAt === undefined || Number.isSafeInteger(w.expiresAt)
                ? undefined
                : `expiresAt must be a time in ms, got ${w.expiresAt}`))
            : undefined;
    if (problem !== undefined) throw new MemoryInputError(this.name, `${problem} (${w.namespace}/${w.id})`);
  }

  async recall(q: RecallQuery): Promise<readonly Recalled[]> {
    const problem =
      q.namespaces.length === 0
        ? 'a recall names at least one namespace'
        : vectorProblem(q.embedding, this.dimensions);
    if (problem !== undefined) throw new MemoryInputError(this.name, problem);
    const k = q.k ?? DEFAULT_K;
    const shape: RecallShape = {
      exact: q.exact === true,
      hybrid: q.text !== undefined && q.text.trim() !== '',
      metadata: q.metadata !== undefined,
      from: q.createdFrom !== undefined,
      before: q.createdBefore !== undefined,
      embeddings: q.withEmbeddings === true,
    };
    const hybrid = shape.hybrid;
    if (!Number.isInteger(k) || k < 1 || k > 1_000)
      throw new MemoryInputError(this.name, `k must be an integer in 1..1000, got ${k}`);
    const params: unknown[] = [this.name, this.#vector(q.embedding), [...q.namespaces], q.now ?? Date.now()];
    if (hybrid) params.push(Math.max(HYBRID_DEPTH, k), q.text);
    if (shape.metadata) params.push(JSON.stringify(q.metadata));
    if (shape.from) params.push(q.createdFrom);
    if (shape.before) params.push(q.createdBefore);
    const rows = await this.#driver.query(this.#sql(k, shape), params);
    const recalled = rows.map((row) => ({
      record: recordOf(row),
      score: Number(row.score),
      ...(hybrid ? { rrf: Number(row.rrf) } : {}),
    }));
    return q.minScore === undefined ? recalled : recalled.filter((r) => r.score >= (q.minScore as number));
  }

  /** A vector parameter as the driver sends it best. */
  #vector(v: readonly number[]): unknown {
    return this.#driver.vectorParam?.(v) ?? vectorText(v);
  }

  #sql(k: number, shape: RecallShape): string {
    const key = `${k} ${JSON.stringify(shape)}`;
    let sql = this.#recalls.get(key);
    if (sql === undefined) {
      sql = recallSql(this.dimensions, k, shape);
      this.#recalls.set(key, sql);
    }
    return sql;
  }

  async get(namespace: string, id: string): Promise<MemoryRecord | undefined> {
    const [row] = await this.#driver.query(GET_SQL, [this.name, namespace, id]);
    return row ? recordOf(row) : undefined;
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    return (await this.#driver.query(`${PURGE_SQL} RETURNING 1`, [this.name, now])).length;
  }

  async count(namespace?: string): Promise<number> {
    const [row] = await this.#driver.query(COUNT_SQL, [this.name, namespace ?? null]);
    return Number(row?.n ?? 0);
  }
}

/** Whether no two upserts name the same record (one statement cannot write a row twice). */
function distinct(upserts: readonly MemoryUpsert[]): boolean {
  return new Set(upserts.map((w) => `${w.namespace}\u0000${w.id}`)).size === upserts.length;
}

function recordOf(row: SqlRow): MemoryRecord {
  return {
    namespace: String(row.namespace),
    id: String(row.id),
    text: String(row.text),
    embedding: parseVector(String(row.embedding)),
    metadata: (row.metadata ?? {}) as Readonly<Record<string, Json>>,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    expiresAt: row.expires_at === null || row.expires_at === undefined ? undefined : Number(row.expires_at),
  };
}
