import { describe, expect, it } from 'vitest';
import { sessionOf } from '../../../core/windows/session-merge.ts';
import { session, sliding, tumbling } from '../../../core/windows/window-assigner.ts';

describe('window assigners', () => {
  it('puts a record in the one tumbling window its time falls into, negative times too', () => {
    expect(tumbling(60_000).windowsOf(90_500)).toEqual([{ start: 60_000, end: 120_000 }]);
    expect(tumbling(60_000).windowsOf(60_000)).toEqual([{ start: 60_000, end: 120_000 }]);
    expect(tumbling(60_000).windowsOf(59_999)).toEqual([{ start: 0, end: 60_000 }]);
    expect(tumbling(10).windowsOf(-1)).toEqual([{ start: -10, end: 0 }]);
  });

  it('puts a record in every sliding window that covers it, oldest first', () => {
    expect(sliding(60_000, 30_000).windowsOf(45_000)).toEqual([
      { start: 0, end: 60_000 },
      { start: 30_000, end: 90_000 },
    ]);
    expect(sliding(10, 3).windowsOf(10)).toEqual([
      { start: 3, end: 13 },
      { start: 6, end: 16 },
      { start: 9, end: 19 },
    ]);
    for (let t = -20; t < 40; t++) {
      for (const w of sliding(10, 4).windowsOf(t)) expect(t >= w.start && t < w.end).toBe(true);
      expect(sliding(10, 4).windowsOf(t).length).toBeGreaterThanOrEqual(2);
    }
  });

  it("gives a session record its own gap-long window, merged with the key's windows it overlaps", () => {
    expect(session(1_000).windowsOf(5_000)).toEqual([{ start: 5_000, end: 6_000 }]);
    const w = (end: number) => ({ end, count: 1, accumulator: 1, fired: false });
    const open = { '0': w(1_000), '1500': w(2_500), '4000': w(5_000) };
    expect(sessionOf(open, { start: 900, end: 1_900 })).toEqual({
      window: { start: 0, end: 2_500 },
      from: [0, 1_500],
    });
    expect(sessionOf(open, { start: 3_000, end: 4_000 })).toEqual({
      window: { start: 3_000, end: 4_000 },
      from: [],
    });
    expect(sessionOf(open, { start: 4_500, end: 5_500 })).toEqual({
      window: { start: 4_000, end: 5_500 },
      from: [4_000],
    });
  });

  it('refuses sizes that cannot make windows', () => {
    expect(() => tumbling(0)).toThrow(/sizeMs/);
    expect(() => tumbling(1.5)).toThrow(/sizeMs/);
    expect(() => sliding(10, 20)).toThrow(/gaps/);
    expect(() => session(-1)).toThrow(/gapMs/);
  });
});
