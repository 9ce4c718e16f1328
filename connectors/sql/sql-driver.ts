/** A row as a driver returns it: column name to value. */
export type SqlRow = Readonly<Record<string, unknown>>;

/** Runs SQL on one connection (or a pool of them). */
export interface SqlQueryable {
  /** One statement with `$1`-style parameters. */
  query(text: string, params?: readonly unknown[]): Promise<readonly SqlRow[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/**
 * What `SqlStore` needs from a PostgreSQL client, so that pg and PGlite run
 * the same SQL. Drivers hand jsonb back parsed and int8 as a string, number or
 * bigint (`SqlStore` checks that it is a safe integer).
 */
export interface SqlDriver extends SqlQueryable {
  /** Runs `work` in one transaction on one connection; commits if it resolves, rolls back if it throws. */
  transaction<T>(work: (tx: SqlQueryable) => Promise<T>): Promise<T>;
  /** Releases the connections this driver opened. */
  close(): Promise<void>;
  /**
   * A vector as this driver sends it for a `$n::vector` parameter (pg: the
   * binary form). Without it, pgvector's text form `[1,2.5]`.
   */
  vectorParam?(v: readonly number[]): unknown;
}
