/**
 * The log was used after `close()`. Open a new log; a closed one never reopens.
 *
 * @example
 * await log.close();
 * await log.append('orders', record); // throws LogClosedError
 */
export class LogClosedError extends Error {
  override readonly name = 'LogClosedError';

  constructor(operation: string) {
    super(`${operation} on a closed log; create a new log instead of reusing a closed one`);
  }
}
