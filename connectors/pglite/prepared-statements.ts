import { messages as backend, type PGlite, parse, protocol } from '@electric-sql/pglite';
import type { SqlRow } from '../sql/sql-driver.ts';
import { statementName } from '../sql/statement-name.ts';

const { serialize } = protocol;

/** A statement prepared on a PGlite connection, with what running it needs. */
interface Prepared {
  readonly name: string;
  /** Parameter type oids, to serialise values as `query` would. */
  readonly paramTypes: readonly number[];
  /** The rows' description, handed to the result parser with every execution. */
  readonly rows: backend.RowDescriptionMessage | undefined;
}

/** The statements prepared per PGlite instance (its one connection), by text. */
const preparedOn = new WeakMap<PGlite, Map<string, Prepared>>();

/** PostgreSQL: "prepared statement already exists" (another copy of this module prepared it). */
const DUPLICATE_PREPARED_STATEMENT = '42P05';

/**
 * Runs parameterised statements on PGlite as named prepared statements, in
 * one call into the database each. `PGlite.query` parses and plans every
 * statement anew in six calls (parse, describe, bind, describe, execute,
 * sync): for eddy's load and commit statements that cost 5x a prepared run
 * and made the embedded store the bottleneck of every pipeline (bench:core).
 */
export class PreparedStatements {
  readonly #db: PGlite;

  constructor(db: PGlite) {
    this.#db = db;
  }

  /**
   * The statement's rows, or `undefined` when a transaction that is not ours
   * is open on the connection: `db.transaction` holds a lock this path does
   * not take, so the caller runs the statement through `db.query`, which
   * waits for that transaction to end.
   */
  run(text: string, params: readonly unknown[]): Promise<readonly SqlRow[] | undefined> {
    return this.#db.runExclusive(async () => {
      if (this.#db.isInTransaction()) return undefined;
      const statement = this.#statements().get(text) ?? (await this.#prepare(text));
      const values = params.map((value, i) => this.#serialize(value, statement.paramTypes[i]));
      const { messages } = await this.#db.execProtocol(
        concat([
          serialize.bind({ statement: statement.name, values }),
          serialize.execute({}),
          serialize.sync(),
        ]),
      );
      const described = statement.rows ? [statement.rows, ...messages] : messages;
      return (parse.parseResults(described, this.#db.parsers)[0]?.rows ?? []) as SqlRow[];
    });
  }

  #statements(): Map<string, Prepared> {
    let statements = preparedOn.get(this.#db);
    if (statements === undefined) {
      statements = new Map();
      preparedOn.set(this.#db, statements);
    }
    return statements;
  }

  async #prepare(text: string): Promise<Prepared> {
    const name = statementName(text);
    const describe = [serialize.describe({ type: 'S', name }), serialize.sync()];
    let replies: backend.BackendMessage[];
    try {
      ({ messages: replies } = await this.#db.execProtocol(
        concat([serialize.parse({ name, text }), ...describe]),
      ));
    } catch (error) {
      if ((error as { code?: unknown }).code !== DUPLICATE_PREPARED_STATEMENT) throw error;
      ({ messages: replies } = await this.#db.execProtocol(concat(describe)));
    }
    let paramTypes: readonly number[] = [];
    let rows: backend.RowDescriptionMessage | undefined;
    for (const m of replies) {
      if (m instanceof backend.ParameterDescriptionMessage) paramTypes = m.dataTypeIDs;
      else if (m instanceof backend.RowDescriptionMessage) rows = m;
    }
    const prepared: Prepared = { name, paramTypes, rows };
    this.#statements().set(text, prepared);
    return prepared;
  }

  /** As `PGlite.query` serialises a parameter: by its type's serializer, else as text. */
  #serialize(value: unknown, type: number | undefined): string | null {
    if (value === null || value === undefined) return null;
    const serializer = type === undefined ? undefined : this.#db.serializers[type];
    return serializer ? serializer(value) : String(value);
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
