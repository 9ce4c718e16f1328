import { ServiceUnavailableError } from './errors.ts';
import { withClient } from './pg-client.ts';
import { redactUrl } from './redact-url.ts';

const UNIQUE_VIOLATION = '23505';

/**
 * Connects to `url` and creates the pgvector extension there, failing with a
 * {@link ServiceUnavailableError} that tells whether the server was unreachable
 * or lacks pgvector. `remedy` says what to do about an unreachable server.
 *
 * @example
 * await preparePostgres(process.env.DATABASE_URL, 'start PostgreSQL there, or unset DATABASE_URL');
 */
export async function preparePostgres(url: string, remedy: string): Promise<void> {
  try {
    await withClient(url, async (client) => {
      await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    });
  } catch (error) {
    // Two runs creating it at once: one wins, and the extension is there.
    if (errorCode(error) === UNIQUE_VIOLATION) return;
    const reason = error instanceof Error ? error.message : String(error);
    const missingPgvector = /extension "vector" is not available|could not open extension control file/.test(
      reason,
    );
    throw new ServiceUnavailableError(
      'postgres',
      missingPgvector
        ? `pgvector is not installed on the PostgreSQL at ${redactUrl(url)}: ${reason}`
        : `cannot use the PostgreSQL at ${redactUrl(url)}: ${reason}`,
      missingPgvector
        ? 'install pgvector for that server (`bash scripts/setup-debian.sh` builds it for PostgreSQL 15 on Debian)'
        : remedy,
      { cause: error },
    );
  }
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
