import { JetStreamLog, redactServers } from 'eddy/connectors';
import { configError, unavailableError } from './cli-errors.ts';

/**
 * The log from `NATS_URL`, for commands that talk to running pipelines
 * (approvals travel on it). The embedded log lives inside its process, so
 * there is nothing to reach without NATS.
 */
export async function openNatsLog(env: NodeJS.ProcessEnv, why: string): Promise<JetStreamLog> {
  const url = env.NATS_URL?.trim();
  if (!url)
    throw configError(
      `${why} needs NATS_URL: decisions travel on the log. Run the pack with --servers (and --approve external), and set NATS_URL here too`,
    );
  try {
    return await JetStreamLog.connect({ servers: url });
  } catch (error) {
    throw unavailableError(`cannot reach NATS at ${redactServers(url)}: ${(error as Error).message}`);
  }
}
