import pg from 'pg';

/**
 * Opens one connection to `url`, runs `work` with it and always closes it.
 *
 * @example
 * const fsync = await withClient(url, async (client) => (await client.query('SHOW fsync')).rows[0]);
 */
export async function withClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
  connectTimeoutMs = 5_000,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // A server going away while idle emits 'error'; unhandled, that would crash the runner.
  client.on('error', () => {});
  try {
    await client.connect();
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The URL with its database name replaced.
 *
 * @example
 * withDatabase('postgres://postgres@127.0.0.1:5432/postgres', 'app'); // 'postgres://postgres@127.0.0.1:5432/app'
 */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** `name` quoted as an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
