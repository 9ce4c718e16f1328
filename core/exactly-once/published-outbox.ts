/**
 * The msg ids of one partition's outbox rows that the log acknowledged and
 * that are still in the outbox, waiting to be deleted. The sink adds them; the
 * partition's next commit takes them into its own statement
 * (`CommitBatch.outboxDeleted`), so a busy partition spends no statement on
 * deletes; when no commit comes soon (an idle partition), the sink's deleter
 * takes them and deletes them itself. Whoever takes an id deletes it. A commit
 * that fails leaves its rows in the outbox, and they are published again under
 * their ids, which the log deduplicates. One lives as long as its partition
 * runs in the process, restarts included: a restart does not publish again
 * what waits here (`runPartition`), and its first commit deletes it.
 *
 * @example
 * ```ts
 * const published = new PublishedOutbox();
 * const fold = { stage: 'billing', partition: 0, published, afterMs: foldDeletesMs(20) };
 * events$.pipe(runPartition(program, { ...options, published }), sink(log, store, { fold }));
 * ```
 */
export class PublishedOutbox {
  #ids = new Set<string>();

  /** Ids waiting for a commit or the deleter. */
  get size(): number {
    return this.#ids.size;
  }

  /** Whether the log acknowledged this row and it waits to be deleted: a restart need not publish it again. */
  has(msgId: string): boolean {
    return this.#ids.has(msgId);
  }

  add(ids: readonly string[]): void {
    for (const id of ids) this.#ids.add(id);
  }

  /** Every waiting id, now the taker's to delete. */
  take(): readonly string[] {
    if (this.#ids.size === 0) return [];
    const ids = [...this.#ids];
    this.#ids.clear();
    return ids;
  }
}

/**
 * How long published rows wait for a commit before the deleter deletes them
 * itself: three commit intervals (60 ms by default), so a busy partition's
 * commits take them all and an idle partition's rows go soon after.
 */
export function foldDeletesMs(commitIntervalMs: number): number {
  return Math.max(10, 3 * commitIntervalMs);
}
