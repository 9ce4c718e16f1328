import fc from 'fast-check';
import type { ScenarioInput } from '../../core/testing/run-scenario.ts';

/** Random input streams over a few keys: mostly adds, some slow, some timers, a few poison records. */
export function ledgerInputs(
  options: { maxLength?: number; poison?: boolean } = {},
): fc.Arbitrary<ScenarioInput[]> {
  const key = fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f');
  const payload = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({ op: fc.constant('add'), amount: fc.integer({ min: -50, max: 50 }) }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('slow-add'),
        amount: fc.integer({ min: 1, max: 9 }),
        delayMs: fc.integer({ min: 0, max: 3 }),
      }),
    },
    {
      // Few distinct times, so a key sets its reminder again at a time it fired at (so does `late`).
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('remind'),
        at: fc.integer({ min: 0, max: 4 }).map((t) => t * 10),
      }),
    },
    { weight: 2, arbitrary: fc.constant({ op: 'late' }) },
    { weight: options.poison === false ? 0 : 1, arbitrary: fc.constant({ op: 'poison' }) },
  );
  return fc
    .array(fc.record({ key, payload }), { minLength: 5, maxLength: options.maxLength ?? 40 })
    .map((records) =>
      // Event time rises with position, so event-time timers fire at deterministic points.
      records.map((r, i) => ({ key: r.key, payload: r.payload, eventTime: 1_700_000_000_000 + i })),
    )
    .map((records) =>
      records.map((r) =>
        r.payload.op === 'remind'
          ? { ...r, payload: { ...r.payload, at: 1_700_000_000_000 + r.payload.at } }
          : r,
      ),
    );
}

/** Property-run count: 200 by default, more with EDDY_PROPERTY_RUNS. */
export function propertyRuns(fallback = 200): number {
  const raw = process.env.EDDY_PROPERTY_RUNS;
  const n = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`EDDY_PROPERTY_RUNS must be a positive integer, got "${raw}"`);
  return n;
}
