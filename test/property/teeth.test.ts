import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Defect, withDefects } from '../../core/defects.ts';
import { faultSchedule } from '../../core/testing/faults.ts';
import { runScenario } from '../../core/testing/run-scenario.ts';
import { ledger } from './fixtures/ledger-actor.ts';
import { ledgerInputs } from './ledger-inputs.ts';

/**
 * The exactly-once property run against deliberately broken runtimes: if it
 * cannot find a counterexample, it is not testing anything.
 */
async function findsCounterexample(defect: Defect): Promise<boolean> {
  const result = await fc.check(
    fc.asyncProperty(
      ledgerInputs({ poison: false }),
      faultSchedule({ maxFaults: 4 }),
      async (inputs, faults) => {
        const clean = await runScenario({ actor: ledger, inputs });
        const broken = await withDefects([defect], () =>
          runScenario({ actor: ledger, inputs, faults, maxActiveKeys: 2 }),
        );
        expect(broken.states).toEqual(clean.states);
        expect(broken.replayed).toEqual(clean.replayed);
        expect(broken.outputs).toEqual(clean.outputs);
        expect(broken.snapshotMismatches).toEqual([]);
      },
    ),
    { numRuns: 200, seed: 42 },
  );
  return result.failed;
}

describe('the properties have teeth', () => {
  it('catch a runtime without deduplication', async () => {
    expect(await findsCounterexample('no-dedup')).toBe(true);
  }, 120_000);

  it('catch a runtime that snapshots before applying the event', async () => {
    expect(await findsCounterexample('snapshot-before-apply')).toBe(true);
  }, 120_000);

  // Found by a mutation run: only a publish lost after its row was gone shows it.
  it('catch a sink that deletes outbox rows before the log acknowledged them', async () => {
    expect(await findsCounterexample('delete-before-puback')).toBe(true);
  }, 120_000);
});
