import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ServiceUnavailableError } from './errors.ts';
import { redactUrl } from './redact-url.ts';

/**
 * Fails with a {@link ServiceUnavailableError} unless a client can connect to
 * `url` and JetStream answers there. `remedy` says what to do if not.
 *
 * @example
 * await checkNats(process.env.NATS_URL, 'start nats-server with -js there, or unset NATS_URL');
 */
export async function checkNats(url: string, remedy: string): Promise<void> {
  let connection: NatsConnection | undefined;
  try {
    connection = await connect({ servers: url, timeout: 5_000, reconnect: false });
    const manager = await jetstreamManager(connection);
    await manager.getAccountInfo();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ServiceUnavailableError('nats', `no JetStream at ${redactUrl(url)}: ${reason}`, remedy, {
      cause: error,
    });
  } finally {
    await connection?.close();
  }
}
