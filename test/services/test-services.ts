import { checkNats } from './check-nats.ts';
import { NatsServer } from './nats-server.ts';
import { PostgresCluster } from './postgres-cluster.ts';
import { preparePostgres } from './prepare-postgres.ts';
import { redactUrl } from './redact-url.ts';

/** The servers a test run uses, and how to let go of them. */
export interface TestServices {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  /** One line per server saying which it is and where it came from (no passwords). */
  readonly description: string;
  /** Stops and deletes the servers this started; leaves servers named by the environment alone. */
  stop(): Promise<void>;
}

interface Service {
  readonly url: string;
  readonly description: string;
  stop(): Promise<void>;
}

/**
 * NATS from $NATS_URL and PostgreSQL from $DATABASE_URL when set (each on its
 * own), otherwise private servers started here; checked to have JetStream and
 * pgvector. Fails, naming what is missing and how to get it, when one cannot
 * be had.
 *
 * @example
 * const services = await startTestServices();
 * try { run(services.natsUrl, services.databaseUrl); } finally { await services.stop(); }
 */
export async function startTestServices(env: NodeJS.ProcessEnv = process.env): Promise<TestServices> {
  const results = await Promise.allSettled([natsService(env.NATS_URL), postgresService(env.DATABASE_URL)]);
  const [nats, postgres] = results;
  if (nats.status === 'rejected' || postgres.status === 'rejected') {
    await Promise.all(
      results.map((result) => (result.status === 'fulfilled' ? result.value.stop() : undefined)),
    );
    const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    if (errors.length === 1) throw errors[0];
    throw new AggregateError(errors, errors.map((error) => String(error)).join('\n\n'));
  }
  return {
    natsUrl: nats.value.url,
    databaseUrl: postgres.value.url,
    description: `${nats.value.description}\n${postgres.value.description}`,
    async stop() {
      await Promise.all([nats.value.stop(), postgres.value.stop()]);
    },
  };
}

async function natsService(url: string | undefined): Promise<Service> {
  if (url !== undefined && url !== '') {
    await checkNats(
      url,
      'start nats-server with JetStream (-js) there, or unset NATS_URL so the suite starts its own',
    );
    return { url, description: `NATS ${redactUrl(url)} (from NATS_URL)`, stop: async () => {} };
  }
  const server = new NatsServer();
  try {
    await server.start();
    await checkNats(server.url, `see ${server.logFile}, or set NATS_URL to a running nats-server with -js`);
  } catch (error) {
    await server.dispose();
    throw error;
  }
  return {
    url: server.url,
    description: `NATS ${server.url} (started, store ${server.storeDir})`,
    stop: () => server.dispose(),
  };
}

async function postgresService(url: string | undefined): Promise<Service> {
  if (url !== undefined && url !== '') {
    await preparePostgres(url, 'start PostgreSQL there, or unset DATABASE_URL so the suite starts its own');
    return { url, description: `PostgreSQL ${redactUrl(url)} (from DATABASE_URL)`, stop: async () => {} };
  }
  const cluster = new PostgresCluster();
  try {
    await cluster.init();
    await cluster.start();
    await preparePostgres(cluster.url, `see ${cluster.logFile}, or set DATABASE_URL to a running PostgreSQL`);
  } catch (error) {
    await cluster.dispose();
    throw error;
  }
  return {
    url: cluster.url,
    description: `PostgreSQL ${cluster.url} (started, data ${cluster.dataDir})`,
    stop: () => cluster.dispose(),
  };
}
