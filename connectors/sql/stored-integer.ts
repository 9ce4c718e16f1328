import { UnsafeIntegerError } from './unsafe-integer-error.ts';

/**
 * An int8/int4 column value as a number. pg returns int8 as a string and PGlite
 * as a number or, beyond the safe range, a bigint; all are checked, never rounded
 * (anything beyond the safe range converts to a number that is not a safe integer).
 *
 * @example
 * storedInteger('9007199254740991', 'eddy_journal.version'); // 9007199254740991
 */
export function storedInteger(value: unknown, column: string): number {
  const number =
    typeof value === 'number'
      ? value
      : (typeof value === 'string' && value !== '') || typeof value === 'bigint'
        ? Number(value)
        : Number.NaN;
  if (!Number.isSafeInteger(number)) throw new UnsafeIntegerError(column, String(value));
  return number;
}
