import { redactServers } from 'eddy/connectors';
import type { PackRuntime } from '../scenarios/shared/scenario-pack.ts';
import { configError } from './cli-errors.ts';
import { openServiceRuntime } from './run/service-runtime.ts';

/** A runtime and how to close it. */
export type OpenRuntime = PackRuntime & { readonly describe: string; close(): Promise<void> };

/**
 * The embedded default (an in-process log and an in-memory PGlite: nothing
 * to install, nothing kept) or, with `--servers`, NATS JetStream and
 * PostgreSQL from `NATS_URL` and `DATABASE_URL` (the same runtime `eddy run`
 * uses).
 */
export async function openRuntime(servers: boolean, env: NodeJS.ProcessEnv): Promise<OpenRuntime> {
  if (!servers) {
    const runtime = await openServiceRuntime({});
    return {
      ...runtime,
      describe: 'embedded default: in-process log and PGlite, in memory (--servers for NATS + PostgreSQL)',
    };
  }
  const natsUrl = env.NATS_URL?.trim();
  const databaseUrl = env.DATABASE_URL?.trim();
  if (!natsUrl || !databaseUrl) {
    const missing = [natsUrl ? undefined : 'NATS_URL', databaseUrl ? undefined : 'DATABASE_URL'].filter(
      Boolean,
    );
    throw configError(
      `--servers needs ${missing.join(' and ')}: e.g. NATS_URL=nats://127.0.0.1:4222 DATABASE_URL=postgres://postgres@127.0.0.1:5432/eddy`,
    );
  }
  const runtime = await openServiceRuntime({ nats: { url: natsUrl }, database: { url: databaseUrl } });
  return { ...runtime, describe: `servers: NATS ${redactServers(natsUrl)}, PostgreSQL from DATABASE_URL` };
}
