import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { PgStore } from '../../connectors/postgres/pg-store.ts';
import type { Json, Store } from '../../core/store/store.ts';
import { faultSchedule } from '../../core/testing/faults.ts';
import { runScenario } from '../../core/testing/run-scenario.ts';
import { createTestDatabase, type TestDatabase } from '../services/database.ts';
import { ledger } from './fixtures/ledger-actor.ts';
import { ledgerInputs, propertyRuns } from './ledger-inputs.ts';

/**
 * The exactly-once property on the production stores. Fewer runs than on the
 * memory store (each commit is a real transaction), same checks: the SQL
 * stores must give the runtime the same guarantees the memory store does.
 */
function withoutNoise(output: { readonly payload: Json }): Json {
  const { noise: _noise, ...rest } = output.payload as { readonly [k: string]: Json };
  return rest;
}

function sqlProperty(name: string, open: () => Promise<{ store: Store; close(): Promise<void> }>): void {
  describe(`exactly once under faults (memory log, ${name})`, () => {
    let store: Store;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
      await store.migrate();
    });
    afterAll(() => close());

    it('final states and outputs equal the fault-free run', async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          ledgerInputs({ maxLength: 25 }),
          faultSchedule({ maxCommit: 8 }),
          fc.integer({ min: 1, max: 4 }),
          async (inputs, faults, maxActiveKeys) => {
            run++;
            // Runs share the database: distinct actor and stage names keep them apart.
            const actor = { ...ledger, name: `ledger-${run}` };
            const clean = await runScenario({ actor, inputs, store, stageName: `clean-${run}` });
            const faulty = await runScenario({
              actor: { ...actor, name: `ledger-${run}-f` },
              inputs,
              faults,
              maxActiveKeys,
              store,
              stageName: `faulty-${run}`,
            });
            expect(faulty.states).toEqual(clean.states);
            expect(faulty.replayed).toEqual(clean.replayed);
            // ctx.random is seeded by the actor's name, which differs between the two runs here.
            expect(faulty.outputs.map(withoutNoise)).toEqual(clean.outputs.map(withoutNoise));
            expect(faulty.snapshotMismatches).toEqual([]);
          },
        ),
        { numRuns: Math.ceil(propertyRuns() / 4) },
      );
    }, 300_000);
  });
}

sqlProperty('PGlite', async () => {
  const store = new PgliteStore();
  return { store, close: () => store.close() };
});

sqlProperty('PostgreSQL', async () => {
  const db: TestDatabase = await createTestDatabase();
  const store = new PgStore({ url: db.url });
  return {
    store,
    close: async () => {
      await store.close();
      await db.drop();
    },
  };
});
