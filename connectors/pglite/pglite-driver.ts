import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type { SqlDriver, SqlQueryable, SqlRow } from '../sql/sql-driver.ts';

/**
 * `SqlDriver` over one PGlite instance. PGlite is a single connection that
 * queues queries, so a transaction holds the database while it runs. Every
 * query waits for `ready` (start-up and extension set-up) first.
 */
export class PgliteDriver implements SqlDriver {
  readonly #db: PGliteInterface;
  readonly #ready: Promise<void>;
  readonly #ownsDb: boolean;

  constructor(db: PGliteInterface, ready: Promise<void>, ownsDb: boolean) {
    this.#db = db;
    this.#ready = ready;
    this.#ownsDb = ownsDb;
  }

  async query(text: string, params?: readonly unknown[]): Promise<readonly SqlRow[]> {
    await this.#ready;
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
