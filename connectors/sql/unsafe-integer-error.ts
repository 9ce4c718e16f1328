/**
 * A bigint column holds a value JavaScript numbers cannot represent exactly
 * (beyond ±Number.MAX_SAFE_INTEGER), or something that is not an integer.
 * eddy never writes such values, so something else wrote to the table: fix
 * that row, since reading it as a number would silently change it.
 */
export class UnsafeIntegerError extends RangeError {
  override readonly name = 'UnsafeIntegerError';
  readonly column: string;

  constructor(column: string, value: string) {
    super(
      `${column} holds ${value}, which is not a safe JavaScript integer (at most ${Number.MAX_SAFE_INTEGER} in magnitude); eddy never writes such values, so correct the row that something else wrote`,
    );
    this.column = column;
  }
}
