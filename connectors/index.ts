export * from './jetstream/index.ts';
export * from './mail/index.ts';
export { PgliteStore, type PgliteStoreOptions } from './pglite/index.ts';
export { PgStore, type PgStoreOptions, vectorBinary } from './postgres/index.ts';
export { memoryMigrations, migrations, UnsafeIntegerError } from './sql/index.ts';
export { type LookupDatabase, type SqlLookupTableOptions, sqlLookupTable } from './sql/sql-lookup-table.ts';
