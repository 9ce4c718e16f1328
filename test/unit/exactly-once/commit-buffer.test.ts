import { describe, expect, it } from 'vitest';
import { CommitBuffer } from '../../../core/exactly-once/commit-buffer.ts';
import type { Unit } from '../../../core/runtime/unit.ts';

function unit(key: string, inputSeq: number | undefined, timerSerial?: number): Unit {
  return {
    key,
    inputSeq,
    events: [],
    snapshots: [],
    outputs: [],
    timersSet: [],
    timersDeleted: [],
    timerSerial,
    deliveries: [],
  };
}

describe('CommitBuffer key progress', () => {
  it('given inputs the watermark covers, when taken, then they write no progress rows', () => {
    const buffer = new CommitBuffer('s', 0, 1);
    for (const [key, seq] of [
      ['a', 1],
      ['b', 2],
      ['a', 3],
    ] as const)
      buffer.add(unit(key, seq));
    expect(buffer.take(1, 1, 3, 0).batch.progress).toEqual([]);
  });

  it('given keys that ran ahead of a slow one, when taken, then only they write their highest seq', () => {
    const buffer = new CommitBuffer('s', 0, 1);
    buffer.add(unit('a', 1));
    buffer.add(unit('b', 4));
    buffer.add(unit('c', 5));
    buffer.add(unit('b', 6));
    // seq 2 and 3 (slow keys) are not done: the watermark stays at 1.
    expect(buffer.take(1, 1, 1, 0).batch.progress).toEqual([
      { key: 'b', seq: 6, timerSerial: 0 },
      { key: 'c', seq: 5, timerSerial: 0 },
    ]);
  });

  it('given a unit that set timers, when taken, then its key records the serial even below the watermark', () => {
    const buffer = new CommitBuffer('s', 0, 1);
    buffer.add(unit('a', 1, 7));
    buffer.add(unit('a', undefined, 9));
    expect(buffer.take(1, 1, 1, 0).batch.progress).toEqual([{ key: 'a', seq: 0, timerSerial: 9 }]);
  });
});
