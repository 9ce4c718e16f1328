import { describe, expect, it } from 'vitest';
import { UpstreamMarks } from '../../../core/exactly-once/upstream-marks.ts';
import type { ControlUpdate } from '../../../core/exactly-once/watermark-control.ts';
import { WatermarkTracker } from '../../../core/exactly-once/watermark-tracker.ts';

describe('WatermarkTracker', () => {
  it('starts at the committed watermark and event time', () => {
    const t = new WatermarkTracker(7, 1_000);
    expect(t.watermark).toBe(7);
    expect(t.eventTimeWatermark).toBe(1_000);
    expect(t.maxSeen).toBe(7);
    expect(t.inFlight).toBe(0);
  });

  it('advances only over a done prefix when inputs finish out of order', () => {
    const t = new WatermarkTracker(0, 0);
    t.arrive(1, 100);
    t.arrive(3, 300);
    t.arrive(4, 200);
    t.done(3);
    expect(t.watermark).toBe(0);
    t.done(4);
    expect(t.watermark).toBe(0);
    expect(t.inFlight).toBe(3);
    t.done(1);
    // Seqs need not be contiguous: 1, 3, 4 are all that arrived.
    expect(t.watermark).toBe(4);
    expect(t.eventTimeWatermark).toBe(300);
    expect(t.inFlight).toBe(0);
  });

  it('keeps the highest event time at or below the watermark, never an unfinished one', () => {
    const t = new WatermarkTracker(0, 50);
    t.arrive(1, 40);
    t.arrive(2, 900);
    t.arrive(3, 60);
    t.done(1);
    expect(t.eventTimeWatermark).toBe(50);
    t.done(3);
    expect(t.eventTimeWatermark).toBe(50);
    t.done(2);
    expect(t.eventTimeWatermark).toBe(900);
  });

  it('holds a seq until every task added to it is done', () => {
    const t = new WatermarkTracker(0, 0);
    t.arrive(1, 10);
    t.hold(1);
    t.hold(1);
    t.done(1);
    t.done(1);
    expect(t.watermark).toBe(0);
    t.done(1);
    expect(t.watermark).toBe(1);
    // Extra dones and holds of a finished seq change nothing.
    t.hold(1);
    t.done(1);
    expect(t.watermark).toBe(1);
  });

  it('rejects a seq at or below one already seen, and unknown dones are ignored', () => {
    const t = new WatermarkTracker(5, 0);
    expect(() => t.arrive(5, 0)).toThrow(RangeError);
    t.arrive(6, 0);
    expect(() => t.arrive(6, 0)).toThrow(/seq 6 arrived after 6/);
    t.done(99);
    expect(t.watermark).toBe(5);
    expect(t.maxSeen).toBe(6);
  });

  it('stays correct across queue compaction with many inputs finishing in reverse pairs', () => {
    const t = new WatermarkTracker(0, 0);
    const n = 5_000;
    for (let seq = 1; seq <= n; seq++) t.arrive(seq, seq * 10);
    for (let seq = 2; seq <= n; seq += 2) {
      t.done(seq);
      expect(t.watermark).toBe(seq - 2);
      t.done(seq - 1);
      expect(t.watermark).toBe(seq);
      expect(t.eventTimeWatermark).toBe(seq * 10);
      expect(t.inFlight).toBe(n - seq);
    }
  });

  it('keeps the upstream marks as of the watermark: a control record counts once the inputs before it are done', () => {
    const said = (p: number, value: number): ControlUpdate => ({
      origin: `up/${p}`,
      seq: 1,
      sender: 'up',
      partitions: 2,
      announcement: { kind: 'watermark', value },
    });
    const marks = new UpstreamMarks(0);
    const t = new WatermarkTracker(0, 0, marks);
    t.arrive(1, 0);
    t.arrive(2, 0, said(0, 500));
    t.arrive(3, 300, said(1, 300));
    t.done(3);
    t.done(2);
    // Input 1 is not done: a restart re-reads 2 and 3, so neither mark is committed yet.
    expect(marks.toJson()).toEqual({ parts: {}, senders: {} });
    t.done(1);
    expect(t.watermark).toBe(3);
    expect(marks.clock).toBe(300);
    expect(t.eventTimeWatermark).toBe(300);
  });
});
