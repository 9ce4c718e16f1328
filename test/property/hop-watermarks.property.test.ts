import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { partitionOf } from '../../core/log/partition-of.ts';
import { from } from '../../core/pipeline/flow.ts';
import { actor, keyBy, to } from '../../core/pipeline/steps.ts';
import type { Json } from '../../core/store/store.ts';
import { faultSchedule } from '../../core/testing/faults.ts';
import { runScenario, type ScenarioInput, type ScenarioOutcome } from '../../core/testing/run-scenario.ts';
import { tumbling } from '../../core/windows/window-assigner.ts';
import { windowed } from '../../core/windows/windowed.ts';
import { FaultTally } from './fault-tally.ts';
import { propertyRuns } from './ledger-inputs.ts';

const PARTITIONS = 2;
const USERS = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
const CATEGORIES = ['books', 'games', 'tools'];
const SIZE = 5_000;
const byPartition = (p: number) => USERS.filter((u) => partitionOf(u, PARTITIONS) === p);

const Row = z.object({ category: z.string(), v: z.number() });

/**
 * Records of users in both input partitions, each partition's event times
 * rising (in order where they are read), the partitions apart by up to half
 * a minute: one runs far behind the other. After the keyBy, a category's
 * records come from both, interleaved as the run goes.
 */
const inputs: fc.Arbitrary<ScenarioInput[]> = fc
  .record({
    lag: fc.integer({ min: 0, max: 30_000 }),
    rows: fc.array(
      fc.record({
        partition: fc.integer({ min: 0, max: PARTITIONS - 1 }),
        user: fc.nat(),
        category: fc.constantFrom(...CATEGORIES),
        step: fc.integer({ min: 0, max: 2_500 }),
        v: fc.integer({ min: 1, max: 9 }),
      }),
      { minLength: 2, maxLength: 40 },
    ),
  })
  .map(({ lag, rows }) => {
    const clock = [100_000, 100_000 - lag];
    return rows.map((r) => {
      const users = byPartition(r.partition);
      clock[r.partition] = (clock[r.partition] as number) + r.step;
      return {
        key: users[r.user % users.length] as string,
        payload: { category: r.category, v: r.v },
        eventTime: clock[r.partition] as number,
      };
    });
  });

const win = windowed({
  name: 'per-category',
  window: tumbling(SIZE),
  aggregate: { create: () => 0, add: (sum: number, r: { v: number }) => sum + r.v, result: (sum) => sum },
  lateSubject: 'per-category.late',
});
const flow = (input: string) =>
  from(input, Row).pipe(
    keyBy((r) => r.category),
    actor(win),
    to('per-category.out'),
  );

/**
 * What the semantics say, from the raw records: after the keyBy the clock is
 * the minimum over the input partitions of how far each got, so no record
 * that was in order in its own partition is late, and a category's window
 * closes (once, final, with every record in it) when the slowest partition
 * passed its end. A partition that never spoke holds every window.
 */
function reference(records: readonly ScenarioInput[]): string[] {
  const reached = new Map<number, number>();
  for (const r of records) {
    const p = partitionOf(r.key, PARTITIONS);
    reached.set(p, Math.max(reached.get(p) ?? 0, r.eventTime as number));
  }
  const clock = reached.size < PARTITIONS ? 0 : Math.min(...reached.values());
  const windows = new Map<string, { key: string; start: number; count: number; sum: number }>();
  for (const r of records) {
    const { category, v } = r.payload as { category: string; v: number };
    const start = Math.floor((r.eventTime as number) / SIZE) * SIZE;
    const w = windows.get(`${category}/${start}`) ?? { key: category, start, count: 0, sum: 0 };
    w.count++;
    w.sum += v;
    windows.set(`${category}/${start}`, w);
  }
  return [...windows.values()]
    .filter((w) => w.start + SIZE <= clock)
    .map((w) =>
      JSON.stringify({
        kind: 'final',
        key: w.key,
        start: w.start,
        end: w.start + SIZE,
        count: w.count,
        result: w.sum,
      } satisfies Json),
    )
    .sort();
}

/** After a hop the arrival order (and so a firing's msg id) differs between runs: compare what was said. */
const said = (outcome: ScenarioOutcome, subject: string): string[] =>
  outcome.outputs
    .filter((o) => o.subject === subject)
    .map((o) => JSON.stringify(o.payload))
    .sort();

describe('event time across a keyBy hop under faults', () => {
  it('closes each window once, when the slowest input partition passed it, with nothing late', async () => {
    const tally = new FaultTally();
    await fc.assert(
      fc.asyncProperty(inputs, faultSchedule(), async (records, faults) => {
        const run = (withFaults: boolean) =>
          runScenario({
            flow,
            actors: [win],
            inputs: records,
            partitions: PARTITIONS,
            commitEvery: 2,
            timeoutMs: 5_000,
            ...(withFaults ? { faults, maxActiveKeys: 1 } : {}),
          });
        const clean = await run(false);
        const faulty = await run(true);
        tally.count(faulty);
        const expected = reference(records);
        expect(said(clean, 'per-category.out')).toEqual(expected);
        expect(said(faulty, 'per-category.out')).toEqual(expected);
        expect(said(faulty, 'per-category.late')).toEqual([]);
        expect(faulty.snapshotMismatches).toEqual([]);
      }),
      { numRuns: Math.ceil(propertyRuns() / 2) },
    );
    tally.expectLanded();
  }, 300_000);
});
