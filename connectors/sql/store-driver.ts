import type { SqlDriver } from './sql-driver.ts';

const drivers = new WeakMap<object, SqlDriver>();

/** Records a store's driver, for the parts that keep their rows in the store's database (memory). */
export function registerStoreDriver(store: object, driver: SqlDriver): void {
  drivers.set(store, driver);
}

/**
 * The driver of a `PgStore` or `PgliteStore`: long-term memory shares the
 * store's database (and, for PGlite, its one connection). Internal: not
 * exported from the package.
 */
export function storeDriver(store: object): SqlDriver {
  const driver = drivers.get(store);
  if (!driver)
    throw new TypeError('not a PgStore or PgliteStore: long-term memory needs one of them (or a SqlDriver)');
  return driver;
}
