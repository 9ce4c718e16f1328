import { describe, expect, it } from 'vitest';
import { FencedError } from '../../core/errors/fenced-error.ts';
import { UnstorableValueError } from '../../core/errors/unstorable-value-error.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { MemoryChange } from '../../core/store/store.ts';
import { storeConformance } from './store.ts';
import { emptyBatch } from './store-fixtures.ts';

storeConformance(
  'MemoryStore',
  async () => {
    const store = new MemoryStore();
    return { store, close: () => store.close() };
  },
  { propertyRuns: 300 },
);

describe('MemoryStore long-term memory rows', () => {
  const change = (id: string, embedding: number[]): MemoryChange => ({
    kind: 'upsert',
    row: {
      collection: 'notes',
      namespace: 'k',
      id,
      text: id,
      embedding,
      metadata: {},
      at: 5,
      expiresAt: null,
    },
  });
  const batch = (epoch: number, memories: MemoryChange[]) => ({
    ...emptyBatch({ stage: 's', partition: 0, epoch }),
    memories,
  });

  it('keeps what commits wrote (the last write of a record), and nothing of a fenced or refused commit', async () => {
    const store = new MemoryStore();
    const { epoch } = await store.claim('s', 0, 'me');
    await store.commit(batch(epoch, [change('a', [1, 0]), change('b', [0, 1]), change('a', [1, 1])]));
    expect(store.memories('notes').map((m) => [m.id, m.embedding])).toEqual([
      ['a', [1, 1]],
      ['b', [0, 1]],
    ]);
    await expect(store.commit(batch(epoch, [change('c', [Number.NaN, 0])]))).rejects.toThrow(
      UnstorableValueError,
    );
    await store.claim('s', 0, 'other');
    await expect(store.commit(batch(epoch, [change('d', [1, 0])]))).rejects.toThrow(FencedError);
    expect(store.memories('notes').map((m) => m.id)).toEqual(['a', 'b']);
  });
});
