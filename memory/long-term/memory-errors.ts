/**
 * A collection cannot be opened as asked: a name that is not allowed, a
 * dimension out of range, or one that differs from the collection's.
 *
 * @example
 * try { await memory.collection({ name: 'notes', dimensions: 768 }); }
 * catch (e) { if (e instanceof MemoryCollectionError) console.error(e.message); }
 */
export class MemoryCollectionError extends Error {
  override readonly name = 'MemoryCollectionError';
  readonly collection: string;

  constructor(collection: string, problem: string) {
    super(`memory collection "${collection}": ${problem}`);
    this.collection = collection;
  }
}

/**
 * A write or recall that cannot be taken: an embedding of the wrong dimension
 * or with a value that is not a finite number, an empty namespace or id.
 * Nothing of the batch was written.
 */
export class MemoryInputError extends Error {
  override readonly name = 'MemoryInputError';
  readonly collection: string;

  constructor(collection: string, problem: string) {
    super(`memory collection "${collection}": ${problem}; nothing was written`);
    this.collection = collection;
  }
}
