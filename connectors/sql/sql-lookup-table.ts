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
 * batch of keys (`WHERE key = ANY($1)`, so an index on the key column serves
 * it), every row checked by `schema`; `all()` for full-reload mode.
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
  const select = `SELECT t.${key}::text AS k, ${row} AS r FROM ${table} t`;
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
  return {
    name: options.table,
    getMany: async (keys) => rows(await options.db.query(`${select} WHERE t.${key} = ANY($1)`, [[...keys]])),
    all: async () => rows(await options.db.query(select)),
  };
}
