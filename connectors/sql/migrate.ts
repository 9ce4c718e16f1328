import { migrations as eddyMigrations, type Migration } from './migrations.ts';
import type { SqlDriver } from './sql-driver.ts';

/** Serializes migrations of every process on the database: `eddy` in ASCII. */
const MIGRATION_LOCK = 0x65646479;

/**
 * Applies the migrations the database has not recorded in
 * `eddy_schema_migrations`, in version order, in one transaction. A
 * transaction-scoped advisory lock makes concurrent callers (several processes
 * starting at once) take turns: the second finds everything applied.
 *
 * @example
 * await migrate(driver); // once at start-up, from every process
 */
export async function migrate(
  driver: SqlDriver,
  migrations: readonly Migration[] = eddyMigrations,
): Promise<void> {
  await driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`
      CREATE TABLE IF NOT EXISTS eddy_schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )
    `);
    const rows = await tx.query('SELECT version FROM eddy_schema_migrations');
    const applied = new Set(rows.map((r) => Number(r.version)));
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO eddy_schema_migrations (version, name) VALUES ($1, $2)', [
        m.version,
        m.name,
      ]);
    }
  });
}
