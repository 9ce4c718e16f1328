export { type Migration, memoryMigrations, migrations } from './migrations.ts';
export type { SqlDriver, SqlQueryable, SqlRow } from './sql-driver.ts';
export { SqlStore } from './sql-store.ts';
export { UnsafeIntegerError } from './unsafe-integer-error.ts';
