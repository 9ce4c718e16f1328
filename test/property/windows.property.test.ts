import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { partitionOf } from '../../core/log/partition-of.ts';
import { from } from '../../core/pipeline/flow.ts';
import { actor, to } from '../../core/pipeline/steps.ts';
import type { Json } from '../../core/store/store.ts';
import { faultSchedule } from '../../core/testing/faults.ts';
import { runScenario, type ScenarioInput } from '../../core/testing/run-scenario.ts';
import { session, sliding, tumbling, type WindowAssigner } from '../../core/windows/window-assigner.ts';
import { windowed } from '../../core/windows/windowed.ts';
import { expectSameOutcome, FaultTally } from './fault-tally.ts';
import { propertyRuns } from './ledger-inputs.ts';

const PARTITIONS = 2;
const KEYS = ['a', 'b', 'c', 'd'];

interface Shape {
  readonly assigner: {
    readonly kind: 'tumbling' | 'sliding' | 'session';
    readonly size: number;
    readonly slide: number;
  };
  readonly lateness: number;
}
const shapes: fc.Arbitrary<Shape> = fc.record({
  assigner: fc.oneof(
    fc.record({
      kind: fc.constant('tumbling' as const),
      size: fc.constantFrom(2_000, 5_000),
      slide: fc.constant(0),
    }),
    fc.record({
      kind: fc.constant('sliding' as const),
      size: fc.constant(6_000),
      slide: fc.constantFrom(2_000, 3_000),
    }),
    // A session's gap: `size`.
    fc.record({
      kind: fc.constant('session' as const),
      size: fc.constantFrom(1_500, 3_000),
      slide: fc.constant(0),
    }),
  ),
  lateness: fc.constantFrom(0, 1_500, 4_000),
});
const assignerOf = (s: Shape): WindowAssigner =>
  s.assigner.kind === 'tumbling'
    ? tumbling(s.assigner.size)
    : s.assigner.kind === 'sliding'
      ? sliding(s.assigner.size, s.assigner.slide)
      : session(s.assigner.size);

/** Records whose event times mostly rise, some out of order by up to 6 s: some late, some within the lateness. */
const inputs: fc.Arbitrary<ScenarioInput[]> = fc
  .array(
    fc.record({
      key: fc.constantFrom(...KEYS),
      jitter: fc.integer({ min: -6_000, max: 0 }),
      v: fc.integer({ min: 1, max: 9 }),
    }),
    {
      minLength: 1,
      maxLength: 40,
    },
  )
  .map((rows) =>
    rows.map((r, i) => ({ key: r.key, payload: { v: r.v }, eventTime: 100_000 + i * 700 + r.jitter })),
  );

function flowOf(shape: Shape) {
  const win = windowed({
    name: 'win',
    window: assignerOf(shape),
    aggregate: {
      create: () => 0,
      add: (sum: number, r: { v: number }) => sum + r.v,
      result: (sum) => sum,
      merge: (a, b) => a + b,
    },
    allowedLatenessMs: shape.lateness,
    lateSubject: 'win.late',
  });
  return {
    win,
    flow: (input: string) => from(input, z.object({ v: z.number() })).pipe(actor(win), to('win.out')),
  };
}

/**
 * The windows' outputs computed straight from the raw records, the way the
 * semantics are written down (not the way the actor does it): per partition in
 * log order, the watermark is the highest event time so far; before a record,
 * every window whose end the watermark reached fires; a record is late for a
 * window (for a session: the one it would join) once the watermark reached its
 * end plus the lateness, an update within it, and otherwise joins the window.
 */
function reference(shape: Shape, records: readonly ScenarioInput[]): string[] {
  const out: Json[] = [];
  const assigner = assignerOf(shape);
  const sessions = shape.assigner.kind === 'session';
  /** `due`: its end is still to come (a timer would fire there). */
  type W = {
    key: string;
    start: number;
    end: number;
    count: number;
    sum: number;
    fired: boolean;
    due: boolean;
  };
  const open = new Map<string, W>();
  const clock = new Map<number, number>();
  const emit = (kind: string, w: W) =>
    out.push({ kind, key: w.key, start: w.start, end: w.end, count: w.count, result: w.sum });
  for (const r of records) {
    const partition = partitionOf(r.key, PARTITIONS);
    const t = r.eventTime as number;
    const watermark = Math.max(clock.get(partition) ?? 0, t);
    clock.set(partition, watermark);
    for (const [id, w] of open) {
      if (partitionOf(w.key, PARTITIONS) !== partition) continue;
      if (w.due && w.end <= watermark) {
        emit(w.fired ? 'update' : 'final', w);
        w.fired = true;
        w.due = false;
      }
      if (w.fired && w.end + shape.lateness <= watermark) open.delete(id);
    }
    const v = (r.payload as { v: number }).v;
    for (const own of assigner.windowsOf(t)) {
      let w: W = open.get(`${r.key}/${own.start}`) ?? {
        key: r.key,
        start: own.start,
        end: own.end,
        count: 0,
        sum: 0,
        fired: false,
        due: false,
      };
      const overlapped = sessions
        ? [...open.values()].filter((o) => o.key === r.key && o.start < own.end && own.start < o.end)
        : [];
      if (sessions) {
        // The record's own window and every window of its key it overlaps, as one.
        w = { key: r.key, start: own.start, end: own.end, count: 0, sum: 0, fired: false, due: false };
        for (const o of overlapped) {
          w = {
            ...w,
            start: Math.min(w.start, o.start),
            end: Math.max(w.end, o.end),
            count: w.count + o.count,
            sum: w.sum + o.sum,
            fired: w.fired || o.fired,
          };
        }
      }
      // Late once the watermark reached the end of the window it would join, plus the lateness.
      if (watermark >= w.end + shape.lateness) {
        out.push({
          kind: 'late',
          key: r.key,
          start: own.start,
          end: own.end,
          eventTime: t,
          watermark,
          record: { v },
        });
        continue;
      }
      for (const o of overlapped) open.delete(`${o.key}/${o.start}`);
      w.count++;
      w.sum += v;
      open.set(`${r.key}/${w.start}`, w);
      if (watermark >= w.end) {
        emit(w.fired ? 'update' : 'final', w);
        w.fired = true;
        w.due = false;
      } else w.due = true;
    }
  }
  return out.map((o) => JSON.stringify(o)).sort();
}

const produced = (outputs: readonly { payload: Json }[]): string[] =>
  outputs.map((o) => JSON.stringify(o.payload)).sort();

describe('event-time windows under faults', () => {
  it('close the same windows with the same contents as the fault-free run and as the reference', async () => {
    const tally = new FaultTally();
    await fc.assert(
      fc.asyncProperty(shapes, inputs, faultSchedule(), async (shape, records, faults) => {
        const { win, flow } = flowOf(shape);
        const clean = await runScenario({
          flow,
          actors: [win],
          inputs: records,
          partitions: PARTITIONS,
          commitEvery: 2,
        });
        const faulty = await runScenario({
          flow,
          actors: [win],
          inputs: records,
          faults,
          partitions: PARTITIONS,
          commitEvery: 2,
          maxActiveKeys: 2,
        });
        tally.count(faulty);
        expectSameOutcome(faulty, clean);
        expect(produced(clean.outputs)).toEqual(reference(shape, records));
      }),
      { numRuns: Math.ceil(propertyRuns() / 2) },
    );
    tally.expectLanded();
  }, 300_000);
});
