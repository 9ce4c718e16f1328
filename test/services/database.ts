import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { quoteIdentifier, withClient, withDatabase } from './pg-client.ts';
import type {} from './provided-context.ts';

/** A database of its own for one test file. */
export interface TestDatabase {
  readonly name: string;
  /** Connection URL of this database. */
  readonly url: string;
  /** Drops the database, closing whatever connections are still open on it. */
  drop(): Promise<void>;
}

/**
 * Creates a uniquely named database with pgvector on the run's PostgreSQL (or
 * on the server `adminUrl` names), so test files cannot see each other's data.
 *
 * @example
 * let db: TestDatabase;
 * beforeAll(async () => { db = await createTestDatabase(); });
 * afterAll(() => db.drop());
 */
export async function createTestDatabase(adminUrl: string = inject('databaseUrl')): Promise<TestDatabase> {
  const name = `eddy_test_${process.pid}_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  let dropped = false;
  const drop = async (): Promise<void> => {
    if (dropped) return;
    dropped = true;
    await withClient(adminUrl, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
    );
  };
  const url = withDatabase(adminUrl, name);
  try {
    await withClient(url, (client) => client.query('CREATE EXTENSION IF NOT EXISTS vector'));
  } catch (error) {
    await drop();
    throw error;
  }
  return { name, url, drop };
}
