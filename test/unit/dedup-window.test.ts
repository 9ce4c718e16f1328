import { describe, expect, it } from 'vitest';
import { DedupWindow } from '../../core/log/dedup-window.ts';

describe('DedupWindow', () => {
  it('remembers an id for the window from its first append', () => {
    const window = new DedupWindow(1_000);
    window.remember('a', 2, 7, 10_000);
    expect(window.lookup('a', 10_999)).toMatchObject({ partition: 2, seq: 7 });
    expect(window.lookup('a', 11_000)).toBeUndefined();
  });

  it('applies a changed window to ids already remembered, as a JetStream stream update does', () => {
    const window = new DedupWindow(60_000);
    window.remember('a', 0, 1, 0);
    window.windowMs = 1_000;
    expect(window.lookup('a', 1_000)).toBeUndefined();
  });

  it('expires an id stored before a backwards clock step once its window passed', () => {
    const window = new DedupWindow(1_000);
    window.remember('young', 0, 1, 5_000);
    window.remember('old', 0, 2, 4_000); // the clock stepped back 1 s
    // 'young' still blocks the queue head, but 'old' is past its window.
    expect(window.lookup('old', 5_500)).toBeUndefined();
    expect(window.lookup('young', 5_500)).toMatchObject({ seq: 1 });
  });

  it('forgets many ids in order and stays correct across queue compaction', () => {
    const window = new DedupWindow(100);
    for (let i = 0; i < 20_000; i++) {
      window.remember(`id-${i}`, 0, i + 1, i);
      if (i < 100) continue;
      expect(window.lookup(`id-${i - 100}`, i)).toBeUndefined();
      expect(window.lookup(`id-${i - 99}`, i)?.seq).toBe(i - 98);
    }
  });
});
