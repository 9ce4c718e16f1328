import { PGlite, type PGliteInterface, type Transaction } from '@electric-sql/pglite';
import type { SqlDriver, SqlQueryable, SqlRow } from '../sql/sql-driver.ts';
import { PreparedStatements } from './prepared-statements.ts';

/**
 * `SqlDriver` over one PGlite instance. PGlite is a single connection that
 * queues queries, so a transaction holds the database while it runs. Every
 * query waits for `ready` (start-up and extension set-up) first. Statements
 * with parameters run prepared (see `PreparedStatements`) on a `PGlite`
 * instance; other `PGliteInterface`s (a worker) get plain queries.
 */
export class PgliteDriver implements SqlDriver {
  readonly #db: PGliteInterface;
  readonly #ready: Promise<void>;
  readonly #ownsDb: boolean;
  readonly #prepared: PreparedStatements | undefined;
  #turns: Promise<void> = Promise.resolve();

  constructor(db: PGliteInterface, ready: Promise<void>, ownsDb: boolean) {
    this.#db = db;
    this.#ready = ready;
    this.#ownsDb = ownsDb;
    this.#prepared = db instanceof PGlite ? new PreparedStatements(db) : undefined;
  }

  async query(text: string, params?: readonly unknown[]): Promise<readonly SqlRow[]> {
    await this.#ready;
    // PGlite runs statements on this thread and settles them in microtasks: a busy pipeline
    // would chain statement after statement and starve timers (commit intervals, lease
    // renewals, which then run out) and I/O. One turn of the event loop per statement: each
    // waits for the turn after the previous one's (statements asked for together would
    // otherwise all wake in the same turn and run back to back).
    const turn = this.#turns.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.#turns = turn;
    await turn;
    if (params !== undefined && this.#prepared) {
      const rows = await this.#prepared.run(text, params);
      if (rows !== undefined) return rows;
    }
    return (await this.#db.query<SqlRow>(text, params ? [...params] : undefined)).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.#ready;
    await this.#db.exec(sql);
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    await this.#ready;
    return this.#db.transaction((tx: Transaction) =>
      work({
        query: async (text, params) => (await tx.query<SqlRow>(text, params ? [...params] : undefined)).rows,
        exec: async (sql) => {
          await tx.exec(sql);
        },
      }),
    );
  }

  async close(): Promise<void> {
    // A failed start-up leaves nothing to close but must not throw here.
    await this.#ready.catch(() => {});
    if (this.#ownsDb && !this.#db.closed) await this.#db.close();
  }
}
