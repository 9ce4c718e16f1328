import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutboxDeleter } from '../../../core/exactly-once/outbox-deleter.ts';
import { PublishedOutbox } from '../../../core/exactly-once/published-outbox.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import type { OutboxRow } from '../../../core/store/store.ts';

function row(partition: number, msgId: string): OutboxRow {
  return {
    stage: 's',
    partition,
    msgId,
    subject: 'out',
    key: 'k',
    payload: null,
    headers: {},
    eventTime: 0,
    position: 0,
    originSeq: 0,
  };
}

/** A store whose deletes wait until released, recording what each one deleted. */
class GatedStore extends MemoryStore {
  readonly calls: { partition: number; msgIds: readonly string[] }[] = [];
  readonly #gates: (() => void)[] = [];
  failNext: Error | undefined;

  override async deleteOutbox(stage: string, partition: number, msgIds: readonly string[]): Promise<void> {
    this.calls.push({ partition, msgIds });
    await new Promise<void>((resolve) => this.#gates.push(resolve));
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    await super.deleteOutbox(stage, partition, msgIds);
  }

  open(): void {
    for (const open of this.#gates.splice(0)) open();
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('OutboxDeleter', () => {
  it('keeps one delete in flight per partition and coalesces what comes meanwhile', async () => {
    const store = new GatedStore();
    const deleter = new OutboxDeleter(store, (error) => {
      throw error;
    });
    deleter.delete([row(0, 'a'), row(1, 'b')]);
    deleter.delete([row(0, 'c')]);
    deleter.delete([row(0, 'd')]);
    expect(store.calls).toEqual([
      { partition: 0, msgIds: ['a'] },
      { partition: 1, msgIds: ['b'] },
    ]);
    let settled = false;
    void deleter.settled().then(() => {
      settled = true;
    });
    store.open();
    await tick();
    expect(store.calls.slice(2)).toEqual([{ partition: 0, msgIds: ['c', 'd'] }]);
    expect(settled).toBe(false);
    store.open();
    await tick();
    expect(settled).toBe(true);
    expect(store.calls).toHaveLength(3);
  });

  it('reports the first failure once, stops deleting, and settled() rejects with it', async () => {
    const store = new GatedStore();
    const errors: unknown[] = [];
    const deleter = new OutboxDeleter(store, (error) => errors.push(error));
    store.failNext = new Error('connection lost');
    deleter.delete([row(0, 'a')]);
    deleter.delete([row(0, 'b')]);
    store.open();
    await tick();
    expect(errors).toEqual([new Error('connection lost')]);
    await expect(deleter.settled()).rejects.toThrow('connection lost');
    deleter.delete([row(0, 'c')]);
    expect(store.calls).toEqual([{ partition: 0, msgIds: ['a'] }]);
  });

  describe('folded into commits', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    const folded = (store: GatedStore) => {
      const published = new PublishedOutbox();
      const deleter = new OutboxDeleter(
        store,
        (error) => {
          throw error;
        },
        { stage: 's', partition: 0, published, afterMs: 100 },
      );
      return { published, deleter };
    };

    it('given rows of its partition, when a commit takes them in time, then the deleter sends no statement', async () => {
      vi.useFakeTimers();
      const store = new GatedStore();
      const { published, deleter } = folded(store);
      deleter.delete([row(0, 'a'), row(0, 'b')]);
      deleter.delete([row(0, 'c')]);
      expect(store.calls).toEqual([]);
      expect(published.take()).toEqual(['a', 'b', 'c']);
      await vi.advanceTimersByTimeAsync(150);
      expect(store.calls).toEqual([]);
      await expect(deleter.settled()).resolves.toBeUndefined();
    });

    it('given rows no commit takes, when the delay passes, then it deletes them itself', async () => {
      vi.useFakeTimers();
      const store = new GatedStore();
      const { published, deleter } = folded(store);
      deleter.delete([row(0, 'a')]);
      await vi.advanceTimersByTimeAsync(60);
      // A commit took the first; the next ones wait for the timer already running.
      expect(published.take()).toEqual(['a']);
      deleter.delete([row(0, 'b')]);
      await vi.advanceTimersByTimeAsync(50);
      expect(store.calls).toEqual([{ partition: 0, msgIds: ['b'] }]);
      expect(published.size).toBe(0);
      store.open();
      await vi.advanceTimersByTimeAsync(0);
      await expect(deleter.settled()).resolves.toBeUndefined();
    });

    it('given rows of other partitions, then they are deleted at once; settled() deletes what still waits', async () => {
      const store = new GatedStore();
      const { published, deleter } = folded(store);
      deleter.delete([row(0, 'a'), row(1, 'x')]);
      expect(store.calls).toEqual([{ partition: 1, msgIds: ['x'] }]);
      expect(published.size).toBe(1);
      let settled = false;
      void deleter.settled().then(() => {
        settled = true;
      });
      expect(store.calls.slice(1)).toEqual([{ partition: 0, msgIds: ['a'] }]);
      store.open();
      await tick();
      expect(settled).toBe(true);
    });

    it('given ids left by the run before a restart, then a new deleter deletes them unless a commit does', async () => {
      vi.useFakeTimers();
      const store = new GatedStore();
      const published = new PublishedOutbox();
      published.add(['left']);
      const deleter = new OutboxDeleter(store, () => {}, {
        stage: 's',
        partition: 0,
        published,
        afterMs: 100,
      });
      await vi.advanceTimersByTimeAsync(100);
      expect(store.calls).toEqual([{ partition: 0, msgIds: ['left'] }]);
      store.open();
      await vi.advanceTimersByTimeAsync(0);
      await expect(deleter.settled()).resolves.toBeUndefined();
    });

    it('cancel() leaves what no commit took in the outbox (published again after a restart)', async () => {
      vi.useFakeTimers();
      const store = new GatedStore();
      const { published, deleter } = folded(store);
      deleter.delete([row(0, 'a')]);
      deleter.cancel();
      await vi.advanceTimersByTimeAsync(500);
      expect(store.calls).toEqual([]);
      expect(published.size).toBe(1);
    });
  });

  it('is settled at once when nothing is queued', async () => {
    const deleter = new OutboxDeleter(new GatedStore(), () => {});
    await expect(deleter.settled()).resolves.toBeUndefined();
  });
});
