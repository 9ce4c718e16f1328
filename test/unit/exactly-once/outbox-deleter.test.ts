import { describe, expect, it } from 'vitest';
import { OutboxDeleter } from '../../../core/exactly-once/outbox-deleter.ts';
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

  it('is settled at once when nothing is queued', async () => {
    const deleter = new OutboxDeleter(new GatedStore(), () => {});
    await expect(deleter.settled()).resolves.toBeUndefined();
  });
});
