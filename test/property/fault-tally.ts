import { expect } from 'vitest';
import type { ScenarioOutcome } from '../../core/testing/run-scenario.ts';

/**
 * Counts the faults that actually landed across a property's runs: a property
 * over fault schedules that never fire proves nothing, so `expectLanded` asks
 * that they did in at least a quarter of the runs.
 */
export class FaultTally {
  #runs = 0;
  #landed = 0;

  count(faulty: ScenarioOutcome): void {
    this.#runs++;
    this.#landed += faulty.crashes + faulty.duplicates + faulty.instances - 1;
  }

  expectLanded(): void {
    expect(this.#landed).toBeGreaterThan(this.#runs / 4);
  }
}

/** The faulty run reproduced the clean one exactly: outputs with their msg ids, states, and every snapshot. */
export function expectSameOutcome(faulty: ScenarioOutcome, clean: ScenarioOutcome): void {
  expect(faulty.outputs).toEqual(clean.outputs);
  expect(faulty.states).toEqual(clean.states);
  expect(faulty.snapshotMismatches).toEqual([]);
}
