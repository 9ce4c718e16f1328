import { type Log, MemoryLog, type Store } from 'eddy';
import { JetStreamLog, type LookupDatabase, PgliteStore, PgStore, redactServers } from 'eddy/connectors';
import { type LongTermMemory, sqlMemory } from 'eddy/memory';
import { unavailableError } from '../cli-errors.ts';
import type { ServiceConfig } from './service-config.ts';

/** The log and store a service runs on, and how to tell they still answer. */
export interface ServiceRuntime {
  readonly kind: 'embedded' | 'servers';
  readonly log: Log;
  readonly store: Store;
  /** The store's database, for tables of one's own (a scenario's dimension tables). */
  readonly db: LookupDatabase;
  /** Long-term memory in the same database. */
  readonly memory: LongTermMemory;
  /** Resolves when both answer; rejects with which one does not. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** NATS + PostgreSQL when the config names them (both, or neither: the embedded log and an in-memory PGlite). */
export async function openServiceRuntime(
  config: Pick<ServiceConfig, 'nats' | 'database' | 'instance'>,
): Promise<ServiceRuntime> {
  if (config.nats === undefined && config.database === undefined) {
    const log = new MemoryLog();
    const store = new PgliteStore();
    await store.migrate();
    return {
      kind: 'embedded',
      log,
      store,
      db: store.db,
      memory: sqlMemory(store),
      ping: async () => {
        await store.db.query('SELECT 1');
      },
      close: async () => {
        await log.close();
        await store.close();
      },
    };
  }
  if (config.nats === undefined || config.database === undefined)
    throw unavailableError(
      `a service on servers needs both NATS and PostgreSQL: set ${config.nats ? 'DATABASE_URL (or database.url)' : 'NATS_URL (or nats.url)'}`,
    );
  let log: JetStreamLog;
  try {
    log = await JetStreamLog.connect({ servers: config.nats.url });
  } catch (error) {
    throw unavailableError(
      `cannot reach NATS at ${redactServers(config.nats.url)}: ${(error as Error).message}`,
    );
  }
  const store = new PgStore({
    url: config.database.url,
    applicationName: `eddy run ${config.instance ?? ''}`.trim(),
  });
  try {
    await store.migrate();
  } catch (error) {
    await log.close();
    throw unavailableError(
      `cannot use PostgreSQL (DATABASE_URL, not shown): ${redactServers((error as Error).message)}`,
    );
  }
  return {
    kind: 'servers',
    log,
    store,
    db: store.pool,
    memory: sqlMemory(store),
    ping: async () => {
      await log.ping().catch((e: unknown) => {
        throw new Error(`NATS: ${(e as Error).message}`);
      });
      await store.pool.query('SELECT 1').catch((e: unknown) => {
        throw new Error(`PostgreSQL: ${redactServers((e as Error).message)}`);
      });
    },
    close: async () => {
      await log.close();
      await store.close();
    },
  };
}
