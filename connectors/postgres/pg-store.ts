import pg from 'pg';
import { type Logger, silentLogger } from '../../core/logger.ts';
import { SqlStore } from '../sql/sql-store.ts';
import { PgDriver } from './pg-driver.ts';

export type PgStoreOptions =
  | {
      /** postgres://user:password@host:port/database */
      readonly url: string;
      /** Pool size. Default 10. */
      readonly maxConnections?: number;
      /** Shown in pg_stat_activity. Default 'eddy'. */
      readonly applicationName?: string;
      readonly logger?: Logger;
    }
  | {
      /** A pool you own: `close()` leaves it open. */
      readonly pool: pg.Pool;
      readonly logger?: Logger;
    };

/**
 * The production Store: PostgreSQL through a `pg` pool. Each commit is one
 * statement and one round trip whatever its size (rows go as arrays), and
 * `load` is one query. Several processes may share a database: `migrate()`
 * takes an advisory lock, and the epoch check fences a stale owner's commits.
 *
 * @example
 * const store = new PgStore({ url: process.env.DATABASE_URL ?? 'postgres://postgres@localhost/eddy' });
 * await store.migrate();
 * const claim = await store.claim('billing', 0, 'host-1');
 */
export class PgStore extends SqlStore {
  readonly #pool: pg.Pool;

  constructor(options: PgStoreOptions) {
    const logger = options.logger ?? silentLogger;
    const owned = !('pool' in options);
    const pool = 'pool' in options ? options.pool : newPool(options);
    super(new PgDriver(pool, owned, logger));
    this.#pool = pool;
  }

  /** The connection pool, to share it (memory keeps its vectors in the same database). */
  get pool(): pg.Pool {
    return this.#pool;
  }
}

function newPool(options: Extract<PgStoreOptions, { url: string }>): pg.Pool {
  assertUrl(options.url);
  return new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'eddy',
  });
}

/** Node's URL error carries the input, password and all; refuse it here without echoing it. */
function assertUrl(url: string): void {
  if (!URL.canParse(url)) {
    throw new TypeError('PgStore: url is not a valid postgres:// URL (not shown, it may hold a password)');
  }
}
