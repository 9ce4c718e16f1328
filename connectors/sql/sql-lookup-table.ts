import type { ZodType } from 'zod';
import { InvalidLookupRow, type LookupTable } from '../../core/lookup/lookup-table.ts';

/** What `sqlLookupTable` needs of a database: pg's `Pool` or `Client`, or a `PGlite` instance. */
export interface LookupDatabase {
  query(text: string, params?: unknown[]): Promise<{ readonly rows: readonly unknown[] }>;
}

export interface SqlLookupTableOptions<V> {
  readonly db: LookupDatabase;
  /** Table or view, optionally with its schema: `products`, `shop.products`. */
  readonly table: string;
  /** The key column (an index on it keeps lookups fast). */
  readonly key: string;
  /** Columns to read; default every column. */
  readonly columns?: readonly string[];
  /** Checks and types each row as read: a row that fails it dead-letters the records that need it. */
  readonly schema: ZodType<V>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

function quoted(name: string, what: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENTIFIER.test(p))) {
    throw new TypeError(
      `${what} ${JSON.stringify(name)} is not a plain SQL name (letters, digits, _ and $, one optional schema)`,
    );
  }
  return parts.map((p) => `"${p}"`).join('.');
}

/**
 * A PostgreSQL (pg) or PGlite table as a `lookupJoin` dimension: one query per
 * batch of keys (the keys cast to the key column's type, so its index serves
 * it; a key that is no value of that type has no row), every row checked by
 * `schema`; `all()` for full-reload mode.
 *
 * @example
 * ```ts
 * const products = sqlLookupTable({
 *   db: new pg.Pool({ connectionString: process.env.DATABASE_URL }),
 *   table: 'products',
 *   key: 'id',
 *   schema: z.object({ id: z.string(), name: z.string(), manager_email: z.string() }),
 * });
 * ```
 */
export function sqlLookupTable<V>(options: SqlLookupTableOptions<V>): LookupTable<V> {
  const table = quoted(options.table, 'table');
  const key = quoted(options.key, 'key column');
  const row = options.columns
    ? `jsonb_build_object(${options.columns.map((c) => `'${c}', t.${quoted(c, 'column')}`).join(', ')})`
    : 'to_jsonb(t)';
  const all = `SELECT t.${key}::text AS k, ${row} AS r FROM ${table} t`;
  const rows = (result: { readonly rows: readonly unknown[] }): Map<string, V | InvalidLookupRow> => {
    const found = new Map<string, V | InvalidLookupRow>();
    for (const raw of result.rows) {
      const { k, r } = raw as { k: string; r: unknown };
      const parsed = options.schema.safeParse(r);
      found.set(
        k,
        parsed.success
          ? parsed.data
          : new InvalidLookupRow(
              `row ${JSON.stringify(k)} of ${options.table} does not fit its schema: ${parsed.error.issues
                .map((i) => `${i.path.join('.') || '(row)'}: ${i.message}`)
                .join('; ')}`,
            ),
      );
    }
    return found;
  };
  // Keys arrive as text; the column may be an integer or a uuid. Cast them to its type, so its
  // index serves, and answer under the key as asked ('01' finds id 1, under '01').
  let keyType: Promise<string> | undefined;
  const typeOfKey = async (): Promise<string> => {
    const result = await options.db.query(
      'SELECT format_type(a.atttypid, a.atttypmod) AS t FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attname = $2',
      [table, options.key],
    );
    const type = (result.rows[0] as { t?: string } | undefined)?.t;
    if (!type) throw new Error(`table ${options.table} has no column ${options.key}`);
    return type;
  };
  const byKeys = async (keys: readonly string[]) => {
    keyType ??= typeOfKey().catch((error: unknown) => {
      keyType = undefined;
      throw error;
    });
    const type = await keyType;
    return options.db.query(
      `SELECT q.k AS k, ${row} AS r FROM unnest($1::text[]) AS q(k) JOIN ${table} t ON t.${key} = q.k::${type}`,
      [[...keys]],
    );
  };
  /** A key that is not a value of the key column's type (`abc` for an integer id) has no row: not a failed query. */
  const getMany = async (keys: readonly string[]): Promise<Map<string, V | InvalidLookupRow>> => {
    try {
      return rows(await byKeys(keys));
    } catch (error) {
      if (!isBadKey(error)) throw error;
      const found = new Map<string, V | InvalidLookupRow>();
      for (const k of keys) {
        try {
          for (const [key, value] of rows(await byKeys([k]))) found.set(key, value);
        } catch (inner) {
          if (!isBadKey(inner)) throw inner;
        }
      }
      return found;
    }
  };
  return {
    name: options.table,
    getMany,
    // Full-reload mode compares keys as the column's text form (id 1 is '1').
    all: async () => rows(await options.db.query(all)),
  };
}

/** PostgreSQL's "invalid text representation" and "out of range": the key cannot be of the column's type. */
function isBadKey(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '22P02' || code === '22003' || code === '22008' || code === '22007';
}
