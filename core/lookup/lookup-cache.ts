/** A cached answer: the value, that the table had none (a negative entry), or that its row is unusable. */
export type Cached<V> =
  | { readonly found: true; readonly value: V }
  | { readonly found: false }
  | { readonly found: 'invalid'; readonly reason: string };

/**
 * The lookups' cache: at most `maxEntries` answers, least recently used out
 * first; a value lives `ttlMs`, a miss `missingTtlMs` (so a row that appears
 * is found soon, without asking again for every record of an unknown key).
 */
export class LookupCache<V> {
  readonly #entries = new Map<string, { readonly answer: Cached<V>; readonly expires: number }>();
  readonly #max: number;
  readonly #ttlMs: number;
  readonly #missingTtlMs: number;
  readonly #now: () => number;

  constructor(options: { maxEntries: number; ttlMs: number; missingTtlMs: number; now?: () => number }) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 0) {
      throw new RangeError(
        `cache.maxEntries must be a whole number of at least 0, got ${options.maxEntries}`,
      );
    }
    this.#max = options.maxEntries;
    this.#ttlMs = options.ttlMs;
    this.#missingTtlMs = options.missingTtlMs;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): Cached<V> | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= this.#now()) return undefined;
    this.#entries.set(key, entry); // most recently used last
    return entry.answer;
  }

  set(key: string, answer: Cached<V>): void {
    if (this.#max === 0) return;
    const ttl = answer.found === true ? this.#ttlMs : this.#missingTtlMs;
    if (ttl <= 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { answer, expires: this.#now() + ttl });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }
}
