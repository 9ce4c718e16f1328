import type pg from 'pg';
import type { Logger } from '../../core/logger.ts';
import type { SqlDriver, SqlQueryable, SqlRow } from '../sql/sql-driver.ts';
import { statementName } from '../sql/statement-name.ts';
import { vectorBinary } from './vector-binary.ts';

/**
 * `SqlDriver` over a `pg.Pool`. Statements with parameters are prepared once
 * per connection (named by a hash of their text), so the commit statement is planned
 * once, not on every commit.
 */
const ITERATIVE_SCAN = "SET hnsw.iterative_scan = 'strict_order'";

export class PgDriver implements SqlDriver {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;

  constructor(pool: pg.Pool, ownsPool: boolean, logger: Logger) {
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    // Long-term memory: an HNSW scan filtered to one key's namespace keeps scanning (in order) until
    // it has its k rows, instead of stopping at ef_search candidates that are mostly other keys'.
    // A custom setting is accepted before pgvector is loaded, and ignored by anything else.
    // Set before the pool hands the connection out (pg-pool awaits `onConnect`): a query fired from a
    // 'connect' listener would run concurrently with the first one (deprecated by pg, refused by pg 9).
    // A pool of the caller's with its own hook keeps it; the setting is then theirs to make.
    if (pool.options.onConnect === undefined) {
      pool.options.onConnect = async (client) => {
        await client.query(ITERATIVE_SCAN).catch(() => {});
      };
    }
    if (ownsPool) {
      // An idle connection that breaks emits 'error' on the pool; unhandled, it would end the process.
      pool.on('error', (error) => logger.warn({ error: error.message }, 'idle PostgreSQL connection failed'));
    }
  }

  async query(text: string, params?: readonly unknown[]): Promise<readonly SqlRow[]> {
    if (params === undefined) return (await this.#pool.query<SqlRow>(text)).rows;
    return (await this.#pool.query<SqlRow>({ name: statementName(text), text, values: [...params] })).rows;
  }

  async exec(sql: string): Promise<void> {
    await this.#pool.query(sql);
  }

  async transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    const tx: SqlQueryable = {
      query: async (text, params) =>
        (await client.query<SqlRow>(text, params ? [...params] : undefined)).rows,
      exec: async (sql) => {
        await client.query(sql);
      },
    };
    try {
      await client.query('BEGIN');
      const result = await work(tx);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      // A connection whose rollback fails is broken: release(error) discards it.
      const broken = await client.query('ROLLBACK').then(
        () => undefined,
        (rollbackError: unknown) => rollbackError,
      );
      client.release(broken instanceof Error ? broken : undefined);
      throw error;
    }
  }

  vectorParam(v: readonly number[]): Buffer {
    return vectorBinary(v);
  }

  async close(): Promise<void> {
    if (this.#ownsPool) await this.#pool.end();
  }
}
