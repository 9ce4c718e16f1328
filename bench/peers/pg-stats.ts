// What a case wrote to PostgreSQL: rows, table growth and WAL, read before and after it from a
// connection of its own, plus the Node CPU and wall time it took.
import pg from 'pg';

/** A table of the case, by schema and name. */
export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

interface TableCounts {
  /** Rows in the table now. */
  readonly rows: number;
  /** Rows ever inserted (pg_stat_user_tables.n_tup_ins): counts the outbox rows deleted since. */
  readonly inserted: number;
  readonly bytes: number;
}

export interface Mark {
  readonly tables: ReadonlyMap<string, TableCounts>;
  readonly walLsn: string;
  readonly cpu: NodeJS.CpuUsage;
  readonly at: number;
}

/** When the timed part of a case ended, and the process's CPU by then. */
export interface Finished {
  readonly at: number;
  readonly cpu: NodeJS.CpuUsage;
}

export const finished = (): Finished => ({ at: performance.now(), cpu: process.cpuUsage() });

/** What a case cost, per run of it (a run: one conversation, one event). */
export interface Written {
  readonly seconds: number;
  readonly cpuMsPerRun: number;
  readonly rowsPerRun: number;
  readonly rowsInsertedPerRun: number;
  readonly bytesPerRun: number;
  readonly walBytesPerRun: number;
  /** Rows left per table, per run: where the rows go. */
  readonly rowsByTable: Readonly<Record<string, number>>;
}

const label = (t: TableRef) => (t.schema === 'public' ? t.name : `${t.schema}.${t.name}`);

export class PgMeter {
  readonly #pool: pg.Pool;

  constructor(databaseUrl: string) {
    this.#pool = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'peers-meter' });
  }

  /**
   * A checkpoint first (when allowed), so that every case starts with the same full-page
   * writes ahead of it, then the tables' counts, the WAL position and the CPU so far.
   */
  async mark(tables: readonly TableRef[]): Promise<Mark> {
    await this.#pool.query('CHECKPOINT').catch(() => {});
    return this.#read(tables);
  }

  /**
   * The difference from `before` to `finished` (time, CPU) and to now (rows, bytes, WAL), divided
   * by `runs`. Call it once the case's own pools are closed: a backend reports its inserts to the
   * statistics when it exits.
   */
  async since(before: Mark, finished: Finished, tables: readonly TableRef[], runs: number): Promise<Written> {
    const cpu = (finished.cpu.user - before.cpu.user + finished.cpu.system - before.cpu.system) / 1000;
    const seconds = (finished.at - before.at) / 1000;
    const { rows } = await this.#pool.query<{ bytes: string }>(
      'SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS bytes',
      [before.walLsn],
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    const after = await this.#read(tables);
    let rowsLeft = 0;
    let inserted = 0;
    let bytes = 0;
    const rowsByTable: Record<string, number> = {};
    for (const [name, now] of after.tables) {
      const then = before.tables.get(name) ?? { rows: 0, inserted: 0, bytes: 0 };
      rowsLeft += now.rows - then.rows;
      inserted += now.inserted - then.inserted;
      bytes += now.bytes - then.bytes;
      rowsByTable[name] = Number(((now.rows - then.rows) / runs).toFixed(2));
    }
    return {
      seconds: Number(seconds.toFixed(3)),
      cpuMsPerRun: Number((cpu / runs).toFixed(2)),
      rowsPerRun: Number((rowsLeft / runs).toFixed(2)),
      rowsInsertedPerRun: Number((inserted / runs).toFixed(2)),
      bytesPerRun: Math.round(bytes / runs),
      walBytesPerRun: Math.round(Number(rows[0]?.bytes ?? 0) / runs),
      rowsByTable,
    };
  }

  /** The tables (not their partitions) of `schema` whose name is LIKE `pattern`. */
  async tablesLike(schema: string, pattern: string): Promise<TableRef[]> {
    const rows = await this.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname LIKE $2 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
        ORDER BY 1`,
      [schema, pattern],
    );
    return rows.map(({ name }) => ({ schema, name }));
  }

  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.#pool.query<R>(text, values)).rows;
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  async #read(tables: readonly TableRef[]): Promise<Mark> {
    await this.#pool.query('SELECT pg_stat_clear_snapshot()');
    const counts = new Map<string, TableCounts>();
    for (const table of tables) {
      const name = `${pg.escapeIdentifier(table.schema)}.${pg.escapeIdentifier(table.name)}`;
      const [row] = (
        await this.#pool.query<{ rows: string; bytes: string; inserted: string | null }>(
          // Summed over the table and its partitions, if any: a partitioned table (Emmett's) holds
          // nothing itself, and pg_partition_tree gives nothing for a plain one.
          `WITH parts AS (SELECT relid FROM pg_partition_tree($1::regclass) UNION SELECT $1::regclass)
           SELECT (SELECT count(*) FROM ${name})::text AS rows,
                  (SELECT sum(pg_total_relation_size(relid)) FROM parts)::text AS bytes,
                  (SELECT sum(s.n_tup_ins) FROM parts JOIN pg_stat_user_tables s USING (relid))::text AS inserted`,
          [name],
        )
      ).rows;
      counts.set(label(table), {
        rows: Number(row?.rows ?? 0),
        bytes: Number(row?.bytes ?? 0),
        inserted: Number(row?.inserted ?? 0),
      });
    }
    const { rows } = await this.#pool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    return { tables: counts, walLsn: rows[0]?.lsn ?? '0/0', cpu: process.cpuUsage(), at: performance.now() };
  }
}
