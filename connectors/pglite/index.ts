export { PgliteStore, type PgliteStoreOptions } from './pglite-store.ts';
