/**
 * A dimension table that `lookupJoin` reads: values by key. Implementations
 * read PostgreSQL or PGlite (`sqlLookupTable`) and NATS KV (`kvLookupTable`)
 * in `eddy/connectors`; anything that can answer a batch of keys fits.
 *
 * @example
 * ```ts
 * const products: LookupTable<Product> = {
 *   name: 'products',
 *   getMany: async (ids) => new Map((await api.products(ids)).map((p) => [p.id, p])),
 * };
 * ```
 */
export interface LookupTable<V> {
  /** For metrics and errors. */
  readonly name: string;
  /**
   * The values of those of `keys` the table has; a key it lacks is absent from
   * the map; a row that is there but unusable is an `InvalidLookupRow`. One round trip.
   */
  getMany(keys: readonly string[]): Promise<ReadonlyMap<string, V | InvalidLookupRow>>;
  /** Every entry, for small tables joined in full-reload mode. */
  all?(): Promise<ReadonlyMap<string, V | InvalidLookupRow>>;
}

/** A row the table has but cannot give (it fails its schema): the records that need it are dead-lettered with `reason`. */
export class InvalidLookupRow {
  readonly reason: string;

  constructor(reason: string) {
    this.reason = reason;
  }
}
