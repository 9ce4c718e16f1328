/** Where the first append of a msgId was stored. */
export interface StoredAt {
  readonly partition: number;
  readonly seq: number;
}

interface Entry extends StoredAt {
  readonly msgId: string;
  readonly storedAt: number;
}

/** Compact the expiry queue once this many consumed slots sit at its head. */
const COMPACT_AFTER = 4_096;

/**
 * The msgIds appended to one topic within the last `windowMs`, as JetStream's
 * `Duplicates` window: an id is remembered from its first append (a duplicate
 * does not extend it) and forgotten once the window has passed; a changed
 * window applies to the ids already remembered. Ids expire in append order
 * from a queue, so each append costs O(1) amortised instead of a scan.
 *
 * @example
 * const window = new DedupWindow(120_000);
 * window.remember('o-1', 0, 1, Date.now());
 * window.lookup('o-1', Date.now()); // { partition: 0, seq: 1, ... }
 */
export class DedupWindow {
  readonly #entries = new Map<string, Entry>();
  readonly #queue: Entry[] = [];
  #head = 0;
  #windowMs: number;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  set windowMs(ms: number) {
    this.#windowMs = ms;
  }

  /** The first append of `msgId` if it is still inside the window at `now`. */
  lookup(msgId: string, now: number): StoredAt | undefined {
    this.#expire(now);
    const entry = this.#entries.get(msgId);
    // A clock that stepped back can leave an expired entry behind a younger head.
    return entry !== undefined && now - entry.storedAt < this.#windowMs ? entry : undefined;
  }

  remember(msgId: string, partition: number, seq: number, now: number): void {
    const entry: Entry = { msgId, partition, seq, storedAt: now };
    this.#entries.set(msgId, entry);
    this.#queue.push(entry);
  }

  #expire(now: number): void {
    const queue = this.#queue;
    let head = this.#head;
    while (head < queue.length) {
      const entry = queue[head];
      if (entry === undefined || now - entry.storedAt < this.#windowMs) break;
      if (this.#entries.get(entry.msgId) === entry) this.#entries.delete(entry.msgId);
      head++;
    }
    if (head >= COMPACT_AFTER && head * 2 >= queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    this.#head = head;
  }
}
