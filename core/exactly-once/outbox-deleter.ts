import type { OutboxRow, Store } from '../store/store.ts';
import type { PublishedOutbox } from './published-outbox.ts';

/** Rows of one partition whose deletes its commits take (see `PublishedOutbox`). */
export interface FoldedDeletes {
  readonly stage: string;
  readonly partition: number;
  readonly published: PublishedOutbox;
  /** What no commit took after this long, the deleter deletes itself. */
  readonly afterMs: number;
}

/**
 * Deletes published outbox rows in the background, one statement in flight
 * per (stage, partition), coalescing whatever was published meanwhile into
 * the next one. Publishing never waits for a delete: at a steady rate that
 * wait was a round trip added to every output behind it. A row still in the
 * outbox after a crash is only published again under its msg id.
 *
 * With `fold`, the rows of that partition go to its `PublishedOutbox` first,
 * for its next commit to delete in the same statement; the deleter deletes
 * only what no commit took within `afterMs` (an idle partition).
 */
export class OutboxDeleter {
  readonly #store: Store;
  readonly #onError: (error: unknown) => void;
  readonly #fold: FoldedDeletes | undefined;
  readonly #groups = new Map<string, Group>();
  #foldTimer: NodeJS.Timeout | undefined;
  #error: unknown;
  #failed = false;
  #idle: (() => void)[] = [];

  /** `onError` hears of the first delete that fails; nothing more is deleted after it. */
  constructor(store: Store, onError: (error: unknown) => void, fold?: FoldedDeletes) {
    this.#store = store;
    this.#onError = onError;
    this.#fold = fold;
    // Left by the partition's run before a restart: deleted like the rest if no commit takes them.
    if (fold && fold.published.size > 0) this.#armFold(fold);
  }

  /** Queues the rows' deletion; `now`: by a statement of its own, whatever `fold` says. */
  delete(rows: readonly OutboxRow[], options: { readonly now?: boolean } = {}): void {
    const fold = options.now ? undefined : this.#fold;
    const folded: string[] = [];
    for (const row of rows) {
      if (fold && row.stage === fold.stage && row.partition === fold.partition) folded.push(row.msgId);
      else this.#group(row.stage, row.partition).pending.push(row.msgId);
    }
    if (fold && folded.length > 0) {
      fold.published.add(folded);
      this.#armFold(fold);
    }
    this.#runAll();
  }

  /** Resolves once every queued delete is done; rejects if one failed. */
  settled(): Promise<void> {
    // Nothing more will be published: no commit needs to wait for what is left.
    if (this.#foldTimer !== undefined) clearTimeout(this.#foldTimer);
    this.#foldTimer = undefined;
    this.#unfold();
    if (this.#failed) return Promise.reject(this.#error);
    if ([...this.#groups.values()].every((g) => !g.running)) return Promise.resolve();
    return new Promise((resolve, reject) =>
      this.#idle.push(() => (this.#failed ? reject(this.#error) : resolve())),
    );
  }

  #armFold(fold: FoldedDeletes): void {
    this.#foldTimer ??= setTimeout(() => {
      this.#foldTimer = undefined;
      this.#unfold();
    }, fold.afterMs).unref();
  }

  /**
   * Stops waiting for commits (the sink was torn down): what they did not take
   * stays in the outbox, to be published again under its ids and deleted then.
   */
  cancel(): void {
    if (this.#foldTimer !== undefined) clearTimeout(this.#foldTimer);
    this.#foldTimer = undefined;
  }

  /** Takes back what no commit took, to delete it here. */
  #unfold(): void {
    const fold = this.#fold;
    if (!fold) return;
    const ids = fold.published.take();
    if (ids.length === 0) return;
    const group = this.#group(fold.stage, fold.partition);
    for (const id of ids) group.pending.push(id);
    this.#run(group);
  }

  #group(stage: string, partition: number): Group {
    const id = `${stage}\u0000${partition}`;
    let group = this.#groups.get(id);
    if (!group) {
      group = { stage, partition, pending: [], running: false };
      this.#groups.set(id, group);
    }
    return group;
  }

  #runAll(): void {
    for (const group of this.#groups.values()) if (!group.running) this.#run(group);
  }

  #run(group: Group): void {
    if (group.running || group.pending.length === 0 || this.#failed) return;
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
