import { expect, it } from 'vitest';
import { z } from 'zod';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import { jsonLinesTrace } from '../../../agents/steps/trace.ts';
import { AgentHarness } from './agent-harness.ts';
import { orderScript, ToolLedger } from './fixtures.ts';
import { ScriptedModel } from './scripted-model.ts';

it('writes one JSON line per model and tool call actually made, none for replayed ones', async () => {
  const chunks: string[] = [];
  const trace = jsonLinesTrace({ write: (chunk: string) => chunks.push(chunk) });
  const model = new ScriptedModel(orderScript);
  const ledger = new ToolLedger();
  ledger.hangOn = 2; // the process dies in the second tool call of the first turn
  const agent = reactAgent({
    name: 'traced',
    model,
    trace,
    output: z.object({ status: z.string(), temp: z.number() }),
    tools: [
      ledger.tool('lookup', () => ({ status: 'shipped' })),
      ledger.tool('weather', () => ({ temp: 3 })),
    ],
  });
  const h = new AgentHarness(agent);
  await h.start();
  await h.send('alice', { type: 'ask', question: 'Where?', runId: 'r1' });
  await new Promise((resolve) => setTimeout(resolve, 100));
  h.kill();
  await h.start();
  await h.until('the answer', (out) => out.length === 1);
  await h.stop();
  const lines = chunks.map((c) => JSON.parse(c) as Record<string, unknown>);
  expect(chunks.every((c) => c.endsWith('\n') && !c.slice(0, -1).includes('\n'))).toBe(true);
  // model, lookup (journaled before the crash), weather (re-run after it), model.
  expect(lines.map((l) => [l.kind, l.tool ?? l.step])).toEqual([
    ['model', 1],
    ['tool', 'lookup'],
    ['tool', 'weather'],
    ['model', 2],
  ]);
  expect(lines[0]).toMatchObject({
    agent: 'traced',
    key: 'alice',
    runId: 'r1',
    inputTokens: 10,
    outputTokens: 3,
  });
  expect(typeof lines[0]?.at).toBe('string');
  expect(lines[0]?.messages).toEqual(
    [{ role: 'user', content: 'Where?' }, ...[]].length ? expect.any(Array) : [],
  );
});
