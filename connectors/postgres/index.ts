export { PgStore, type PgStoreOptions } from './pg-store.ts';
export { vectorBinary } from './vector-binary.ts';
