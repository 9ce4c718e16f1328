import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import { propertyRuns } from '../../property/ledger-inputs.ts';
import { waitUntil } from '../../services/wait-until.ts';
import { AgentHarness } from './agent-harness.ts';
import { orderScript, ToolLedger } from './fixtures.ts';
import { ScriptedModel } from './scripted-model.ts';

// One key, so model steps are strictly sequential: each step's result is journaled before the next
// call starts, and the call the process dies in is the only one in flight.
const QUESTIONS = [
  ['alice', 'r1'],
  ['alice', 'r2'],
  ['alice', 'r3'],
] as const;

function world() {
  const model = new ScriptedModel(orderScript);
  const ledger = new ToolLedger();
  const agent = reactAgent({
    name: 'orders',
    model,
    output: z.object({ status: z.string(), temp: z.number() }),
    tools: [
      ledger.tool('lookup', () => ({ status: 'shipped' }), { sideEffect: true }),
      ledger.tool('weather', () => ({ temp: 3 })),
    ],
  });
  return { model, ledger, h: new AgentHarness(agent) };
}

async function ask(h: AgentHarness): Promise<void> {
  for (const [key, runId] of QUESTIONS)
    await h.send(key, { type: 'ask', question: `status ${runId}`, runId });
}

/** Outputs by run: keys run in parallel, so only each key's own order is fixed. */
async function outputsByRun(h: AgentHarness) {
  return (await h.outputs()).sort((a, b) =>
    ('runId' in a ? a.runId : '').localeCompare('runId' in b ? b.runId : ''),
  );
}

async function finished(h: AgentHarness): Promise<void> {
  await h.until('every answer', (out) => out.length === QUESTIONS.length);
}

describe('ReAct agent crash and resume (property)', () => {
  it('ends as the crash-free run, with every model step and tool call completed once in total', async () => {
    const clean = world();
    await clean.h.start();
    await ask(clean.h);
    await finished(clean.h);
    await clean.h.stop();
    const expected = await outputsByRun(clean.h);
    const modelCalls = clean.model.invocations;
    const toolCalls = clean.ledger.invocations;
    expect(modelCalls).toBe(6);
    expect(toolCalls).toBe(6);

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('model' as const, 'tool' as const),
        fc.integer({ min: 1, max: 6 }),
        async (where, nth) => {
          const { model, ledger, h } = world();
          if (where === 'model') model.hangOn = nth;
          else ledger.hangOn = nth;
          await h.start();
          await ask(h);
          // The process dies inside the nth call: its result is never returned, let alone journaled.
          const failure = await waitUntil(
            async () => (where === 'model' ? model.invocations : ledger.invocations) >= nth,
            { timeoutMs: 10_000, intervalMs: 2 },
          );
          if (failure !== undefined) throw new Error(`never reached the ${where} call ${nth}`);
          h.kill();
          await h.start();
          await finished(h);
          await h.stop();
          expect(await outputsByRun(h)).toEqual(expected);
          // Each completed model call answered a distinct step of a run: none was made twice.
          expect(model.completed.sort()).toEqual(clean.model.completed.sort());
          // Tools of one turn run in parallel: one that finished but was not journaled when the process
          // died runs again, always under its idempotency key. So by key, every call happened once.
          const byKey = new Map<string, Set<string>>();
          for (const c of ledger.calls)
            byKey.set(c.key, (byKey.get(c.key) ?? new Set()).add(`${c.tool} ${c.args}`));
          expect(byKey.size).toBe(toolCalls);
          expect([...byKey.values()].every((calls) => calls.size === 1)).toBe(true);
          expect([...byKey.values()].map((calls) => [...calls][0]).sort()).toEqual(
            clean.ledger.calls.map((c) => `${c.tool} ${c.args}`).sort(),
          );
          // The call in flight at the crash ran again under the same idempotency key.
          for (const hung of ledger.hung) {
            expect(ledger.calls.filter((c) => c.key === hung.key).map((c) => c.tool)).toEqual([hung.tool]);
          }
        },
      ),
      { numRuns: Math.max(12, Math.floor(propertyRuns() / 10)) },
    );
  }, 120_000);
});
