import { PGlite, type PGliteInterface } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { SqlStore } from '../sql/sql-store.ts';
import { PgliteDriver } from './pglite-driver.ts';

export type PgliteStoreOptions =
  | {
      /** Directory of the database files. Default: in memory, gone when the process ends. */
      readonly dataDir?: string;
    }
  | {
      /**
       * A PGlite instance you own: `close()` leaves it open. Load the vector
       * extension yourself if memory needs it.
       */
      readonly db: PGliteInterface;
    };

/**
 * The embedded default Store: PostgreSQL 18 compiled to WebAssembly (PGlite)
 * in this process, running the same SQL and migrations as `PgStore`, with the
 * pgvector extension loaded and created for long-term memory. It needs no
 * server; start-up takes a second or a few.
 *
 * Not crash-durable: PGlite runs with `fsync = off`, so a crash or power loss
 * can lose or corrupt recent commits even with `dataDir`. It is for
 * development, demos and tests; use `PgStore` on a PostgreSQL server for
 * anything whose state must survive a crash. PGlite is one connection in one
 * process: never open two instances on one `dataDir`; share one instead
 * (`new PgliteStore({ db: store.db })`).
 *
 * @example
 * const store = new PgliteStore({ dataDir: '.eddy/data' }); // or new PgliteStore() in memory
 * await store.migrate();
 * const claim = await store.claim('billing', 0, 'local');
 */
export class PgliteStore extends SqlStore {
  readonly #db: PGliteInterface;

  constructor(options: PgliteStoreOptions = {}) {
    const { db, ready, owned } = openPglite(options);
    super(new PgliteDriver(db, ready, owned));
    this.#db = db;
  }

  /** The PGlite instance, to share its single connection (memory keeps its vectors there). */
  get db(): PGliteInterface {
    return this.#db;
  }
}

function openPglite(options: PgliteStoreOptions): {
  db: PGliteInterface;
  ready: Promise<void>;
  owned: boolean;
} {
  if ('db' in options) return { db: options.db, ready: options.db.waitReady, owned: false };
  const db = new PGlite({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    extensions: { vector },
  });
  const ready = db.waitReady.then(async () => {
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
    // As for PostgreSQL (see PgDriver): filtered HNSW scans go on until they have their rows.
    await db.exec("SET hnsw.iterative_scan = 'strict_order'");
  });
  // Start-up failures surface at the first call; until then nobody listens.
  ready.catch(() => {});
  return { db, ready, owned: true };
}
