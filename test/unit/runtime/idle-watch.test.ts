import { afterEach, describe, expect, it, vi } from 'vitest';
import { IdleWatch } from '../../../core/runtime/idle-watch.ts';
import { memoryChangeProblem, registerMemoryCollection } from '../../../core/store/memory-collections.ts';

describe('IdleWatch', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('says idle once after the timeout, not while work is in flight, and active on the next arrival', () => {
    vi.useFakeTimers();
    let busy = true;
    const said: string[] = [];
    const watch = new IdleWatch(100, {
      busy: () => busy,
      idle: () => said.push('idle'),
      active: () => said.push('active'),
    });
    vi.advanceTimersByTime(300);
    expect(said).toEqual([]);
    busy = false;
    vi.advanceTimersByTime(99);
    expect(said).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(said).toEqual(['idle']);
    watch.touched();
    watch.touched();
    expect(said).toEqual(['idle', 'active']);
    watch.stop();
  });
});

describe('memory writes checked before their commit', () => {
  it('names a vector whose size is not its collection’s, and lets other writes be', () => {
    registerMemoryCollection('checked_notes', 3);
    const row = {
      collection: 'checked_notes',
      namespace: 'k',
      id: 'a',
      text: 't',
      metadata: {},
      at: 1,
      expiresAt: null,
    };
    expect(memoryChangeProblem({ kind: 'upsert', row: { ...row, embedding: [1, 0] } })).toMatch(
      /3-dimensional.*has 2/,
    );
    expect(memoryChangeProblem({ kind: 'upsert', row: { ...row, embedding: [1, 0, 0] } })).toBeUndefined();
    expect(
      memoryChangeProblem({ kind: 'delete', collection: 'checked_notes', namespace: 'k', id: 'a' }),
    ).toBeUndefined();
    expect(
      memoryChangeProblem({ kind: 'upsert', row: { ...row, collection: 'unknown', embedding: [1] } }),
    ).toBeUndefined();
  });
});
