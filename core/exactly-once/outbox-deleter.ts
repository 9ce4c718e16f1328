import type { OutboxRow, Store } from '../store/store.ts';

/**
 * Deletes published outbox rows in the background, one statement in flight
 * per (stage, partition), coalescing whatever was published meanwhile into
 * the next one. Publishing never waits for a delete: at a steady rate that
 * wait was a round trip added to every output behind it. A row still in the
 * outbox after a crash is only published again under its msg id.
 */
export class OutboxDeleter {
  readonly #store: Store;
  readonly #onError: (error: unknown) => void;
  readonly #groups = new Map<string, Group>();
  #error: unknown;
  #failed = false;
  #idle: (() => void)[] = [];

  /** `onError` hears of the first delete that fails; nothing more is deleted after it. */
  constructor(store: Store, onError: (error: unknown) => void) {
    this.#store = store;
    this.#onError = onError;
  }

  /** Queues the rows' deletion. */
  delete(rows: readonly OutboxRow[]): void {
    for (const row of rows) {
      const id = `${row.stage}\u0000${row.partition}`;
      let group = this.#groups.get(id);
      if (!group) {
        group = { stage: row.stage, partition: row.partition, pending: [], running: false };
        this.#groups.set(id, group);
      }
      group.pending.push(row.msgId);
    }
    for (const group of this.#groups.values()) if (!group.running) this.#run(group);
  }

  /** Resolves once every queued delete is done; rejects if one failed. */
  settled(): Promise<void> {
    if (this.#failed) return Promise.reject(this.#error);
    if ([...this.#groups.values()].every((g) => !g.running)) return Promise.resolve();
    return new Promise((resolve, reject) =>
      this.#idle.push(() => (this.#failed ? reject(this.#error) : resolve())),
    );
  }

  #run(group: Group): void {
    if (group.pending.length === 0 || this.#failed) return;
    const msgIds = group.pending;
    group.pending = [];
    group.running = true;
    this.#store.deleteOutbox(group.stage, group.partition, msgIds).then(
      () => {
        group.running = false;
        this.#run(group);
        this.#wake();
      },
      (error: unknown) => {
        group.running = false;
        if (this.#failed) return;
        this.#failed = true;
        this.#error = error;
        this.#wake();
        this.#onError(error);
      },
    );
  }

  #wake(): void {
    if (!this.#failed && [...this.#groups.values()].some((g) => g.running)) return;
    const idle = this.#idle;
    this.#idle = [];
    for (const resolve of idle) resolve();
  }
}

interface Group {
  readonly stage: string;
  readonly partition: number;
  pending: string[];
  running: boolean;
}
