import { describe, expect, it } from 'vitest';
import { sliding, tumbling } from '../../../core/windows/window-assigner.ts';

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

  it('refuses sizes that cannot make windows', () => {
    expect(() => tumbling(0)).toThrow(/sizeMs/);
    expect(() => tumbling(1.5)).toThrow(/sizeMs/);
    expect(() => sliding(10, 20)).toThrow(/gaps/);
  });
});
