import { afterEach, describe, expect, it, vi } from 'vitest';
import { Announcer } from '../../../core/exactly-once/announcer.ts';
import { controlKeys } from '../../../core/exactly-once/watermark-control.ts';
import { partitionOf } from '../../../core/log/partition-of.ts';

const target = {
  stage: 'clicks',
  partition: 1,
  partitions: 4,
  subjects: ['clicks.keyby-1', 'totals'],
  partitionsOf: (subject: string) => (subject === 'totals' ? 2 : 3),
};

describe('Announcer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('announces a moved clock at most once per interval, to every partition of every subject', () => {
    vi.useFakeTimers({ now: 1_000 });
    const wake = vi.fn();
    const a = new Announcer({ target, intervalMs: 200, from: 0 }, wake);
    expect(a.due(500, false)).toBe(true);
    const drafts = a.take(500);
    expect(drafts.map((d) => [d.subject, partitionOf(d.key, target.partitionsOf(d.subject))])).toEqual([
      ['clicks.keyby-1', 0],
      ['clicks.keyby-1', 1],
      ['clicks.keyby-1', 2],
      ['totals', 0],
      ['totals', 1],
    ]);
    expect(drafts[0]?.payload).toEqual({ watermark: 500, idle: false, partitions: 4 });
    expect(drafts[0]?.msgId).toBe('clicks:1:watermark:500:clicks.keyby-1:0');
    expect(a.due(500, false)).toBe(false);
    expect(a.due(600, false)).toBe(false);
    a.later(600);
    vi.advanceTimersByTime(199);
    expect(wake).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(wake).toHaveBeenCalledTimes(1);
    expect(a.due(600, false)).toBe(true);
    a.stop();
  });

  it('at a drain, says a moved clock at once, but not the clock it started from', () => {
    const a = new Announcer({ target, intervalMs: 60_000, from: 500 }, () => {});
    expect(a.due(500, true)).toBe(false);
    expect(a.due(501, true)).toBe(true);
    a.take(501);
    expect(a.due(502, false)).toBe(false);
    expect(a.due(502, true)).toBe(true);
  });

  it('announces idleness once per clock, and not when input came back first', () => {
    const a = new Announcer({ target, intervalMs: 0, from: 0 }, () => {});
    a.take(100);
    a.idle();
    expect(a.due(100, false)).toBe(true);
    expect(a.take(100)[0]?.payload).toEqual({ watermark: 100, idle: true, partitions: 4 });
    a.idle();
    expect(a.due(100, false)).toBe(false);
    a.active();
    expect(a.due(200, false)).toBe(true);
    expect(a.take(200)[0]?.payload).toEqual({ watermark: 200, idle: false, partitions: 4 });
    a.idle();
    a.active();
    expect(a.due(200, false)).toBe(false);
    // Back after an idle announcement: the clock goes out at once, even unmoved, so downstream counts it again.
    a.idle();
    a.take(200);
    a.active();
    expect(a.due(200, false)).toBe(true);
    expect(a.take(200)[0]?.payload).toEqual({ watermark: 200, idle: false, partitions: 4 });
    expect(a.due(200, false)).toBe(false);
  });

  it('finds a control key for every partition', () => {
    for (const n of [1, 2, 7, 64]) {
      expect(controlKeys(n).map((k) => partitionOf(k, n))).toEqual([...Array(n).keys()]);
    }
  });
});
