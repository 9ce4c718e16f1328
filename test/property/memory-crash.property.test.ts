import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { sqlMemory } from '../../connectors/sql/sql-memory.ts';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { from } from '../../core/pipeline/flow.ts';
import { actor, to } from '../../core/pipeline/steps.ts';
import type { CommitBatch, Store } from '../../core/store/store.ts';
import { faultSchedule } from '../../core/testing/faults.ts';
import { runScenario, type ScenarioInput } from '../../core/testing/run-scenario.ts';
import { type ActorMemory, actorMemory, recall, remember } from '../../memory/actor/actor-memory.ts';
import type { Embedder } from '../../memory/embedders/embedder.ts';
import { offlineEmbedder } from '../../memory/embedders/offline-embedder.ts';
import type { MemoryCollection } from '../../memory/long-term/long-term-memory.ts';
import { keyNamespace } from '../../memory/long-term/namespace.ts';
import { FaultTally } from './fault-tally.ts';
import { propertyRuns } from './ledger-inputs.ts';

/** Every embed call and every committed memory write, on one counter: what happened before what. */
class Ledger {
  tick = 0;
  readonly embedded: { text: string; at: number }[] = [];
  readonly committed = new Map<string, number>();
}

function countingEmbedder(ledger: Ledger): Embedder {
  const inner = offlineEmbedder({ dimensions: 32 });
  return {
    ...inner,
    embed: async (texts) => {
      for (const text of texts) ledger.embedded.push({ text, at: ++ledger.tick });
      return inner.embed(texts);
    },
  };
}

/** The store, noting when each memory write's commit succeeded. */
function noting(store: Store, ledger: Ledger): Store {
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'commit') {
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (batch: CommitBatch) => {
        await target.commit(batch);
        const at = ++ledger.tick;
        for (const m of batch.memories ?? []) if (m.kind === 'upsert') ledger.committed.set(m.row.text, at);
      };
    },
  });
}

let run = 0;
function noter(memory: ActorMemory) {
  return defineActor({
    name: `noter_${++run}`,
    initial: () => ({ notes: 0 }),
    decide: async (_s: { notes: number }, note: { id: string; text: string }, ctx) => {
      await remember(ctx, memory, { id: note.id, text: note.text, metadata: { kind: 'note' } });
      // A recall in the same input: journaled, so a re-run gets the same answer without asking.
      await recall(ctx, memory, `about ${note.text}`, { k: 2 });
      ctx.emit({ id: note.id });
      return [{ type: 'Noted' as const, id: note.id }];
    },
    evolve: (s, _e: { type: 'Noted'; id: string }) => ({ notes: s.notes + 1 }),
  });
}

const words = ['late', 'parcel', 'refund', 'broken', 'lid', 'battery', 'great', 'sound', 'slow', 'courier'];
const inputs: fc.Arbitrary<ScenarioInput[]> = fc
  .array(
    fc.record({
      key: fc.constantFrom('alice', 'bob', 'carol'),
      words: fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 12 },
  )
  .map((rows) =>
    rows.map((r, i) => ({ key: r.key, payload: { id: `n${i}`, text: `${r.words.join(' ')} #${i}` } })),
  );

describe('long-term memory under faults', () => {
  let store: PgliteStore;
  let collection: MemoryCollection;
  beforeAll(async () => {
    store = new PgliteStore();
    await store.migrate();
    collection = await sqlMemory(store).collection({ name: 'notes', dimensions: 32 });
  });
  afterAll(() => store?.close());

  /** What the run's actor remembered, per key: id, text and vector. */
  async function remembered(actorName: string, records: readonly ScenarioInput[]) {
    const out: Record<string, unknown> = {};
    for (const key of new Set(records.map((r) => r.key))) {
      const ns = keyNamespace(actorName, key);
      for (const r of records.filter((x) => x.key === key)) {
        const { id } = r.payload as { id: string };
        const got = await collection.get(ns, id);
        out[`${key}/${id}`] = got && { text: got.text, embedding: got.embedding, metadata: got.metadata };
      }
    }
    return out;
  }

  it('a crash never leaves a memory without its event, and never embeds a committed write again', async () => {
    const tally = new FaultTally();
    await fc.assert(
      fc.asyncProperty(inputs, faultSchedule(), async (records, faults) => {
        const outcome = async (withFaults: boolean) => {
          const ledger = new Ledger();
          const memory = actorMemory(collection, countingEmbedder(ledger));
          const a = noter(memory);
          const result = await runScenario({
            flow: (input) =>
              from(input, z.object({ id: z.string(), text: z.string() })).pipe(actor(a), to(`${a.name}.out`)),
            actors: [a],
            inputs: records,
            store: noting(store, ledger),
            stageName: a.name,
            ...(withFaults ? { faults } : {}),
          });
          return { result, ledger, memories: await remembered(a.name, records), actor: a.name };
        };
        const clean = await outcome(false);
        const faulty = await outcome(true);
        tally.count(faulty.result);
        // Every input remembered once, as in the fault-free run (the offline embedder is deterministic).
        expect(Object.values(faulty.memories).every((m) => m !== undefined)).toBe(true);
        expect(faulty.memories).toEqual(clean.memories);
        expect(Object.values(faulty.result.states).map((s) => JSON.parse(s).notes)).toEqual(
          Object.values(clean.result.states).map((s) => JSON.parse(s).notes),
        );
        // Once a write committed, nothing embedded its text again.
        for (const [text, at] of faulty.ledger.committed) {
          const later = faulty.ledger.embedded.filter((e) => e.text === text && e.at > at);
          expect(later, `"${text}" embedded again after its commit`).toEqual([]);
        }
      }),
      { numRuns: Math.ceil(propertyRuns() / 10) },
    );
    tally.expectLanded();
  }, 300_000);
});
