/**
 * `eddy/testing`: check your own actors for exactly-once behaviour under
 * crashes, duplicates, redeliveries, restarts and passivation.
 *
 * @example
 * import fc from 'fast-check';
 * import { faultSchedule, runScenario } from 'eddy/testing';
 * await fc.assert(fc.asyncProperty(faultSchedule(), async (faults) => {
 *   const clean = await runScenario({ actor, inputs });
 *   const faulty = await runScenario({ actor, inputs, faults });
 *   expect(faulty.states).toEqual(clean.states);
 *   expect(faulty.outputs).toEqual(clean.outputs);
 * }));
 */
export { crash } from './crash.ts';
export { type Fault, faultSchedule } from './faults.ts';
export { FaultyLog } from './faulty-log.ts';
export { FaultyStore } from './faulty-store.ts';
export {
  runScenario,
  type ScenarioInput,
  type ScenarioOptions,
  type ScenarioOutcome,
  type ScenarioOutput,
  type ScenarioSubject,
  type SomeActor,
} from './run-scenario.ts';
export { SimulatedCrash } from './simulated-crash.ts';
