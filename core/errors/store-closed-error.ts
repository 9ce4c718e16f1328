/**
 * The store was used after `close()`. Open a new store; a closed one never reopens.
 *
 * @example
 * await store.close();
 * await store.claim('billing', 0, 'host-1'); // throws StoreClosedError
 */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';

  constructor(operation: string) {
    super(`${operation} on a closed store; create a new store instead of reusing a closed one`);
  }
}
