import { MemoryLog } from 'eddy';
import { JetStreamLog, PgliteStore, PgStore, redactServers } from 'eddy/connectors';
import { sqlMemory } from 'eddy/memory';
import type { PackRuntime } from '../scenarios/shared/scenario-pack.ts';
import { configError, unavailableError } from './cli-errors.ts';

/** A runtime and how to close it. */
export type OpenRuntime = PackRuntime & { readonly describe: string; close(): Promise<void> };

/**
 * The embedded default (an in-process log and an in-memory PGlite: nothing
 * to install, nothing kept) or, with `--servers`, NATS JetStream and
 * PostgreSQL from `NATS_URL` and `DATABASE_URL`.
 */
export async function openRuntime(servers: boolean, env: NodeJS.ProcessEnv): Promise<OpenRuntime> {
  if (!servers) {
    const log = new MemoryLog();
    const store = new PgliteStore();
    await store.migrate();
    return {
      kind: 'embedded',
      log,
      store,
      db: store.db,
      memory: sqlMemory(store),
      describe: 'embedded default: in-process log and PGlite, in memory (--servers for NATS + PostgreSQL)',
      close: async () => {
        await log.close();
        await store.close();
      },
    };
  }
  const natsUrl = env.NATS_URL?.trim();
  const databaseUrl = env.DATABASE_URL?.trim();
  const missing = [natsUrl ? undefined : 'NATS_URL', databaseUrl ? undefined : 'DATABASE_URL'].filter(
    Boolean,
  );
  if (!natsUrl || !databaseUrl)
    throw configError(
      `--servers needs ${missing.join(' and ')}: e.g. NATS_URL=nats://127.0.0.1:4222 DATABASE_URL=postgres://postgres@127.0.0.1:5432/eddy`,
    );
  let log: JetStreamLog;
  try {
    log = await JetStreamLog.connect({ servers: natsUrl });
  } catch (error) {
    throw unavailableError(
      `cannot reach NATS at ${redactServers(natsUrl)}: ${(error as Error).message}; is nats-server running with JetStream (-js)?`,
    );
  }
  let store: PgStore;
  try {
    store = new PgStore({ url: databaseUrl, applicationName: 'eddy scenario' });
    await store.migrate();
  } catch (error) {
    await log.close();
    throw unavailableError(
      `cannot use PostgreSQL at DATABASE_URL (not shown, it may hold a password): ${redactServers((error as Error).message)}`,
    );
  }
  return {
    kind: 'servers',
    log,
    store,
    db: store.pool,
    memory: sqlMemory(store),
    describe: `servers: NATS ${redactServers(natsUrl)}, PostgreSQL from DATABASE_URL`,
    close: async () => {
      await log.close();
      await store.close();
    },
  };
}
