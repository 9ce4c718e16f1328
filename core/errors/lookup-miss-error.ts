/**
 * An inner `lookupJoin` with `onMissing: 'dead-letter'` found no row for a
 * record's key: the record becomes a dead letter (phase `step`). Add the row
 * (then re-drive the dead letter), or use a left join.
 */
export class LookupMissError extends Error {
  override readonly name = 'LookupMissError';
  readonly table: string;
  readonly key: string | undefined;

  constructor(table: string, key: string | undefined) {
    super(
      key === undefined
        ? `the record has no key for table "${table}"`
        : `table "${table}" has no row for key ${JSON.stringify(key)}; add it and re-drive the dead letter, or use join: 'left'`,
    );
    this.table = table;
    this.key = key;
  }
}
