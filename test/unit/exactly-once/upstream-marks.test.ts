import { describe, expect, it } from 'vitest';
import { MARKS_FIELD, UpstreamMarks } from '../../../core/exactly-once/upstream-marks.ts';
import type { ControlUpdate } from '../../../core/exactly-once/watermark-control.ts';

/** What partition `p` of part `up` (of `n` partitions) says, as its `seq`-th record to this partition. */
function said(
  p: number,
  seq: number,
  value: number,
  kind: 'watermark' | 'idle' = 'watermark',
  n = 3,
): ControlUpdate {
  return { origin: `up/${p}`, seq, sender: 'up', partitions: n, announcement: { kind, value } };
}

describe('UpstreamMarks', () => {
  it('waits until every partition of the upstream part spoke, then runs at their minimum', () => {
    const marks = new UpstreamMarks(0);
    expect(marks.apply(said(0, 1, 500))).toBe(0);
    expect(marks.apply(said(2, 1, 300))).toBe(0);
    expect(marks.apply(said(1, 1, 400))).toBe(300);
    expect(marks.apply(said(2, 2, 900))).toBe(400);
  });

  it('never moves back, and skips partitions that said they are idle until they speak again', () => {
    const marks = new UpstreamMarks(0);
    marks.apply(said(0, 1, 500));
    marks.apply(said(1, 1, 100));
    marks.apply(said(2, 1, 600));
    expect(marks.clock).toBe(100);
    expect(marks.apply(said(1, 2, 100, 'idle'))).toBe(500);
    // It comes back behind the clock: its records are late, the clock stays.
    expect(marks.apply(said(1, 3, 200))).toBe(500);
    expect(marks.apply(said(0, 2, 700))).toBe(500);
    expect(marks.apply(said(1, 4, 800))).toBe(600);
  });

  it('runs at the furthest partition once every one is idle, whichever went idle first', () => {
    for (const order of [
      [0, 1],
      [1, 0],
    ]) {
      const marks = new UpstreamMarks(50);
      marks.apply(said(0, 1, 900, 'watermark', 2));
      for (const p of order) marks.apply(said(p, 2, p === 0 ? 900 : 40, 'idle', 2));
      expect(marks.clock).toBe(900);
    }
    // An idle announcement says how far its partition got, too.
    const one = new UpstreamMarks(0);
    one.apply(said(0, 1, 100, 'watermark', 1));
    expect(one.apply(said(0, 2, 150, 'idle', 1))).toBe(150);
    const none = new UpstreamMarks(50);
    none.apply(said(0, 1, 10, 'idle', 1));
    expect(none.clock).toBe(50);
  });

  it('ignores a republished control record (an origin seq taken already)', () => {
    const marks = new UpstreamMarks(0);
    marks.apply(said(0, 1, 500, 'watermark', 1));
    marks.apply(said(0, 3, 500, 'idle', 1));
    const republished = said(0, 2, 400, 'watermark', 1);
    expect(marks.fresh(republished)).toBe(false);
    expect(marks.clockWith(republished)).toBe(500);
    marks.apply(republished);
    // Still idle: the old record did not make it active again.
    expect(JSON.parse(JSON.stringify(marks.toJson()))).toEqual({
      parts: { up: 1 },
      senders: { 'up/0': [500, true, 3] },
    });
  });

  it('computes the clock an update would give without taking it', () => {
    const marks = new UpstreamMarks(0);
    marks.apply(said(0, 1, 500, 'watermark', 2));
    expect(marks.clockWith(said(1, 1, 300, 'watermark', 2))).toBe(300);
    expect(marks.clock).toBe(0);
    expect(marks.changed).toBe(true);
  });

  it('round-trips through the applied-origins JSON it is committed in, beside the origins', () => {
    const marks = new UpstreamMarks(0);
    marks.apply(said(0, 1, 500, 'watermark', 2));
    marks.apply(said(1, 4, 200, 'idle', 2));
    const applied = { 'up/0': [1], [MARKS_FIELD]: marks.toJson() };
    expect(marks.changed).toBe(false);
    const back = UpstreamMarks.fromJson(applied, 500);
    expect(back.toJson()).toEqual(marks.toJson());
    expect(back.apply(said(1, 5, 900, 'watermark', 2))).toBe(500);
    expect(back.apply(said(0, 2, 950, 'watermark', 2))).toBe(900);
  });

  it('starts empty from JSON without marks, or with damaged ones', () => {
    for (const json of [
      null,
      {},
      { [MARKS_FIELD]: 3 },
      { [MARKS_FIELD]: { parts: [], senders: { x: 1 } } },
    ]) {
      const marks = UpstreamMarks.fromJson(json, 42);
      expect(marks.clock).toBe(42);
      expect(marks.toJson()).toEqual({ parts: {}, senders: {} });
    }
  });
});
