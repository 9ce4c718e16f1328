import type { PlannedEvent } from './plan.ts';
import type { SumOutput, SumState } from './sum-actor.ts';

/** What a run without faults must produce. */
export interface Reference {
  /** The output of event `e`, by `e`. */
  readonly outputs: readonly SumOutput[];
  readonly finals: ReadonlyMap<string, SumState>;
}

/**
 * The fault-free result, by plain arithmetic over the plan and independent of
 * the actor's code: each key's events apply in plan order (the publisher
 * keeps that order in the log).
 *
 * @example
 * const { outputs, finals } = referenceOf(planEvents({ count: 100, keys: 3, seed: 1 }));
 */
export function referenceOf(plan: readonly PlannedEvent[]): Reference {
  const finals = new Map<string, SumState>();
  const outputs = plan.map(({ e, key, n }) => {
    const before = finals.get(key) ?? { sum: 0, count: 0, last: -1 };
    const after = { sum: before.sum + n, count: before.count + 1, last: e };
    finals.set(key, after);
    return { key, e, n, sum: after.sum, count: after.count };
  });
  return { outputs, finals };
}
