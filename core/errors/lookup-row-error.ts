/**
 * A `lookupJoin` table has a row for the record's key, but the row fails the
 * table's schema: the record becomes a dead letter (phase `step`). Fix the
 * row, then re-drive the dead letter.
 */
export class LookupRowError extends Error {
  override readonly name = 'LookupRowError';
  readonly table: string;
  readonly key: string;

  constructor(table: string, key: string, reason: string) {
    super(`${reason}; fix the row in "${table}", then re-drive the dead letter`);
    this.table = table;
    this.key = key;
  }
}
