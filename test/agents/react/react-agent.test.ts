import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import { AgentHarness } from './agent-harness.ts';
import { call, orderScript, ToolLedger, toolMessages } from './fixtures.ts';
import { ScriptedModel } from './scripted-model.ts';

const answerSchema = z.object({ status: z.string(), temp: z.number() });

function orderAgent(model: ScriptedModel, ledger: ToolLedger, maxSteps = 8) {
  return reactAgent({
    name: 'orders',
    model,
    system: 'You answer order questions.',
    output: answerSchema,
    maxSteps,
    tools: [
      ledger.tool('lookup', (a) => ({ order: a.order ?? null, status: 'shipped' })),
      ledger.tool('weather', () => ({ temp: 3 })),
    ],
  });
}

describe('ReAct agent', () => {
  it('answers through parallel tool calls, validating the answer, and journals every step', async () => {
    const model = new ScriptedModel(orderScript);
    const ledger = new ToolLedger();
    const h = new AgentHarness(orderAgent(model, ledger));
    await h.start();
    await h.send('alice', { type: 'ask', question: 'Where is A1?', runId: 'r1' });
    await h.until('the answer', (out) => out.length === 1);
    await h.stop();
    expect(await h.outputs()).toEqual([
      {
        type: 'answer',
        runId: 'r1',
        answer: { status: 'shipped', temp: 3 },
        steps: 2,
        usage: { inputTokens: 30, outputTokens: 6 },
        key: 'alice',
      },
    ]);
    expect(model.completed).toEqual([1, 2]);
    expect(ledger.calls.map((c) => c.tool).sort()).toEqual(['lookup', 'weather']);
    // The model saw the system prompt with the output schema, and the tools.
    expect(model.requests[0]?.messages[0]).toMatchObject({ role: 'system' });
    expect(model.requests[0]?.messages[0]?.content).toContain('"status"');
    expect(model.requests[0]?.tools?.map((t) => t.name)).toEqual(['lookup', 'weather']);
    const types = (await h.journal('alice'))
      .map((e) => (e as { type: string }).type)
      .filter((t) => t !== '$step');
    expect(types).toEqual([
      'RunStarted',
      'ModelAnswered',
      'ToolFinished',
      'ToolFinished',
      'ModelAnswered',
      'RunFinished',
    ]);
  });

  it('answers malformed tool arguments back to the model as a tool error', async () => {
    const model = new ScriptedModel((request) => {
      const tools = toolMessages(request);
      if (tools.length === 0) return { content: '', toolCalls: [call('c1', 'lookup', '{"order": A1')] };
      return { content: JSON.stringify({ status: tools[0]?.isError ? 'bad-args' : 'ok', temp: 0 }) };
    });
    const ledger = new ToolLedger();
    const h = new AgentHarness(orderAgent(model, ledger));
    await h.start();
    await h.send('bob', { type: 'ask', question: 'Where is A1?' });
    await h.until('the answer', (out) => out.length === 1);
    await h.stop();
    expect((await h.outputs())[0]).toMatchObject({ type: 'answer', answer: { status: 'bad-args', temp: 0 } });
    const toolMessage = toolMessages(model.requests[1] ?? { messages: [] })[0];
    expect(toolMessage).toMatchObject({ role: 'tool', isError: true, name: 'lookup' });
    expect(toolMessage?.content).toContain(
      'invalid_input: the arguments of tool "lookup" are not valid JSON',
    );
  });

  it('ends a run that never answers with a step_limit error output, and the key goes on', async () => {
    let loop = true;
    const model = new ScriptedModel((request) =>
      loop
        ? { content: '', toolCalls: [call(`c${request.messages.length}`, 'weather', '{}')] }
        : orderScript(request),
    );
    const ledger = new ToolLedger();
    const h = new AgentHarness(orderAgent(model, ledger, 3));
    await h.start();
    await h.send('carol', { type: 'ask', question: 'Loop forever', runId: 'r1' });
    await h.until('the error', (out) => out.length === 1);
    loop = false;
    await h.send('carol', { type: 'ask', question: 'Where is A1?', runId: 'r2' });
    await h.until('the answer', (out) => out.length === 2);
    await h.stop();
    const [error, answer] = await h.outputs();
    expect(error).toMatchObject({ type: 'error', runId: 'r1', code: 'step_limit', steps: 3 });
    expect(answer).toMatchObject({ type: 'answer', runId: 'r2' });
  });

  it('sends a non-matching answer back once for repair, then gives up with invalid_output', async () => {
    let attempts = 0;
    const model = new ScriptedModel(() => {
      attempts++;
      return { content: attempts === 2 ? '{"status":"late","temp":1}' : 'It is fine.' };
    });
    const h = new AgentHarness(orderAgent(model, new ToolLedger()));
    await h.start();
    await h.send('dave', { type: 'ask', question: 'First', runId: 'r1' });
    await h.until('the answer', (out) => out.length === 1);
    await h.send('dave', { type: 'ask', question: 'Second', runId: 'r2' });
    await h.until('the error', (out) => out.length === 2);
    await h.stop();
    const [answer, error] = await h.outputs();
    expect(answer).toMatchObject({ type: 'answer', runId: 'r1', answer: { status: 'late', temp: 1 } });
    expect(error).toMatchObject({
      type: 'error',
      runId: 'r2',
      code: 'invalid_output',
      error: 'the answer is not JSON',
    });
    // The repair request told the model what was wrong.
    expect(model.requests[1]?.messages.at(-1)?.content).toContain('does not match the required format');
  });

  it('turns a failing model into an error output', async () => {
    const failing = new ScriptedModel(() => {
      throw new Error('upstream 500 after 3 attempts');
    });
    const h = new AgentHarness(orderAgent(failing, new ToolLedger()));
    await h.start();
    await h.send('erin', { type: 'ask', question: 'Hello?', runId: 'r1' });
    await h.until('the error', (out) => out.length === 1);
    await h.stop();
    expect((await h.outputs())[0]).toMatchObject({
      type: 'error',
      code: 'model_error',
      error: 'Error: upstream 500 after 3 attempts',
    });
  });
});
