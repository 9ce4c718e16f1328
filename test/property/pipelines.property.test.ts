import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Defect, withDefects } from '../../core/defects.ts';
import { faultSchedule } from '../../core/testing/faults.ts';
import { runScenario, type ScenarioOutcome } from '../../core/testing/run-scenario.ts';
import { FaultTally } from './fault-tally.ts';
import {
  grouper,
  type PipelineShape,
  pipelineInputs,
  pipelineShapes,
  shapedFlow,
  summer,
} from './fixtures/random-pipeline.ts';
import { propertyRuns } from './ledger-inputs.ts';

const actors = [summer, grouper] as never;

/**
 * What a run must reproduce. Before a keyBy everything is deterministic: each
 * key's records in log order, every output with its msg id. After it, records
 * of one new key come from several partitions of the part before, in an order
 * that differs from run to run (as with any repartition): exactly once there
 * means each record applied once, so per key the multiset of what arrived, the
 * total, and the number of outputs.
 */
function essence(outcome: ScenarioOutcome, shape: PipelineShape) {
  const states = Object.fromEntries(
    Object.entries(outcome.states).map(([id, json]) => {
      const state = JSON.parse(json) as { total: number; seen?: number[] };
      return [id, state.seen ? { total: state.total, seen: [...state.seen].sort((a, b) => a - b) } : state];
    }),
  );
  const before = outcome.outputs.filter((o) => o.subject.endsWith('.a'));
  const after = outcome.outputs.filter((o) => o.subject.endsWith('.b'));
  if (!shape.keyBy) return { states, before, after };
  const byKey = new Map<string, string[]>();
  for (const o of after) byKey.set(o.key, [...(byKey.get(o.key) ?? []), JSON.stringify(o.payload)]);
  const arrived = shape.secondActor
    ? [...byKey].map(([key, list]) => ({ key, outputs: list.length }))
    : [...byKey].map(([key, list]) => ({ key, payloads: list.sort() }));
  return { states, before, after: arrived.sort((x, y) => x.key.localeCompare(y.key)) };
}

function expectSameOutcome(faulty: ScenarioOutcome, clean: ScenarioOutcome, shape: PipelineShape): void {
  expect(essence(faulty, shape)).toEqual(essence(clean, shape));
  expect(faulty.snapshotMismatches).toEqual([]);
}

/**
 * Random pipelines — per-record steps that map, drop, split and wait, one or
 * two actors, a keyBy hop, two sinks — over random inputs, under the random
 * fault schedules: the outputs and final states equal the run without faults.
 */
describe('random pipelines, exactly once under faults', () => {
  it('give the outputs and states of the fault-free run', async () => {
    const tally = new FaultTally();
    await fc.assert(
      fc.asyncProperty(pipelineShapes, pipelineInputs, faultSchedule(), async (shape, inputs, faults) => {
        const flow = (input: string) => shapedFlow(shape, input);
        const clean = await runScenario({ flow, actors, inputs });
        const faulty = await runScenario({ flow, actors, inputs, faults, maxActiveKeys: 2 });
        tally.count(faulty);
        expectSameOutcome(faulty, clean, shape);
      }),
      { numRuns: Math.ceil(propertyRuns() / 2) },
    );
    tally.expectLanded();
  }, 300_000);
});

/** The same property against runtimes broken on purpose: it must find a counterexample. */
async function findsCounterexample(defect: Defect): Promise<boolean> {
  const result = await fc.check(
    fc.asyncProperty(pipelineShapes, pipelineInputs, faultSchedule(), async (shape, inputs, faults) => {
      const flow = (input: string) => shapedFlow(shape, input);
      const clean = await runScenario({ flow, actors, inputs });
      const broken = await withDefects([defect], () => runScenario({ flow, actors, inputs, faults }));
      expectSameOutcome(broken, clean, shape);
    }),
    { numRuns: 200, seed: 7 },
  );
  return result.failed;
}

describe('the pipeline property has teeth', () => {
  it('catches a runtime that counts a dropped record done before its predecessors commit', async () => {
    expect(await findsCounterexample('drop-done-early')).toBe(true);
  }, 300_000);

  it("catches a runtime that loses a split's second record", async () => {
    expect(await findsCounterexample('lose-split-tail')).toBe(true);
  }, 300_000);
});
