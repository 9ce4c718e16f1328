/**
 * A commit or claim holds something a store cannot keep exactly as given: a
 * fractional or unsafe integer, NaN or Infinity, a string with a NUL character
 * or a lone surrogate, a value that is not JSON, or a row of another stage or
 * partition than the batch's. Nothing was written. Every store refuses the same
 * values, so a batch that `MemoryStore` accepts also fits PostgreSQL.
 *
 * @example
 * await store.commit({ ...batch, events: [{ ...event, eventTime: 1.5 }] }); // throws UnstorableValueError
 */
export class UnstorableValueError extends TypeError {
  override readonly name = 'UnstorableValueError';
  /** Where the value is, e.g. `events[3].data.items[0]`. */
  readonly path: string;

  constructor(path: string, problem: string) {
    super(`cannot store ${path}: ${problem}; nothing was written, fix the value and retry`);
    this.path = path;
  }
}
