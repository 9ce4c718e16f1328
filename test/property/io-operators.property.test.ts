import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { lookupJoin } from '../../core/lookup/lookup-join.ts';
import type { LookupTable } from '../../core/lookup/lookup-table.ts';
import { asyncMap } from '../../core/operators/async-map.ts';
import { from } from '../../core/pipeline/flow.ts';
import { actor, to } from '../../core/pipeline/steps.ts';
import { faultSchedule } from '../../core/testing/faults.ts';
import { runScenario, type ScenarioInput } from '../../core/testing/run-scenario.ts';
import { expectSameOutcome, FaultTally } from './fault-tally.ts';
import { propertyRuns } from './ledger-inputs.ts';

// asyncMap and lookupJoin under the random fault schedules: a crash redoes their calls
// for what was not committed, and the outcome is the fault-free one — nothing lost,
// nothing applied twice — whatever the calls' latencies and the cache did.
const prices: Record<string, number> = { a: 3, b: 5, c: 7 };
const table: LookupTable<{ price: number }> = {
  name: 'prices',
  getMany: async (keys) => {
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    return new Map(keys.filter((k) => k in prices).map((k) => [k, { price: prices[k] as number }]));
  },
};
const ledger = defineActor({
  name: 'ledger',
  initial: () => ({ total: 0, lines: [] as number[] }),
  decide: (s: { total: number; lines: number[] }, line: { n: number; amount: number }, ctx) => {
    ctx.emit({ n: line.n, total: s.total + line.amount });
    return [{ type: 'Booked' as const, n: line.n, amount: line.amount }];
  },
  evolve: (s, e: { type: 'Booked'; n: number; amount: number }) => ({
    total: s.total + e.amount,
    lines: [...s.lines, e.n],
  }),
  snapshot: { every: 3, keep: 1 },
});
const flow = (input: string) =>
  from(input, z.object({ n: z.number(), sku: z.string(), qty: z.number() })).pipe(
    // A slow service, a different latency on every call (and every re-run).
    asyncMap(
      async (order) => {
        await new Promise((r) => setTimeout(r, Math.random() * 4));
        return { ...order, qty: order.qty * 2 };
      },
      { capacity: 3, timeoutMs: 1_000 },
    ),
    lookupJoin(table, {
      key: (order) => order.sku,
      select: (order, row) => ({ n: order.n, amount: order.qty * row.price }),
      onMissing: 'drop',
      cache: { maxEntries: 2, ttlMs: 5, missingTtlMs: 5 },
    }),
    actor(ledger),
    to('ledger.out'),
  );
const orders: fc.Arbitrary<ScenarioInput[]> = fc
  .array(
    fc.record({
      key: fc.constantFrom('k1', 'k2', 'k3'),
      sku: fc.constantFrom('a', 'b', 'c', 'x'),
      qty: fc.integer({ min: 1, max: 5 }),
    }),
    {
      minLength: 3,
      maxLength: 30,
    },
  )
  .map((rows) => rows.map((r, n) => ({ key: r.key, payload: { n, sku: r.sku, qty: r.qty } })));

describe('asyncMap and lookupJoin under faults', () => {
  it('give the outputs and states of the fault-free run', async () => {
    const tally = new FaultTally();
    await fc.assert(
      fc.asyncProperty(orders, faultSchedule(), async (inputs, faults) => {
        const clean = await runScenario({ flow, actors: [ledger], inputs, commitEvery: 2 });
        const faulty = await runScenario({
          flow,
          actors: [ledger],
          inputs,
          faults,
          commitEvery: 2,
          maxActiveKeys: 2,
        });
        tally.count(faulty);
        expectSameOutcome(faulty, clean);
        // And the fault-free run is the arithmetic: every known sku's line once, in log order per key.
        const expected = new Map<string, number>();
        for (const o of inputs) {
          const { sku, qty } = o.payload as { sku: string; qty: number };
          if (sku in prices)
            expected.set(o.key, (expected.get(o.key) ?? 0) + qty * 2 * (prices[sku] as number));
        }
        for (const [key, total] of expected) {
          const state = JSON.parse(clean.states[key] ?? clean.states[`ledger/${key}`] ?? '{}') as {
            total: number;
          };
          expect(state.total).toBe(total);
        }
      }),
      { numRuns: Math.ceil(propertyRuns() / 4) },
    );
    tally.expectLanded();
  }, 300_000);
});
