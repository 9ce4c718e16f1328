import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatRequest } from '../../../agents/models/chat-model.ts';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import type { ReactOutput } from '../../../agents/react/react-io.ts';
import { agentTool } from '../../../agents/tools/agent-tool.ts';
import type { ToolSource } from '../../../agents/tools/tool.ts';
import { AgentHarness } from './agent-harness.ts';
import { call, ToolLedger, toolMessages } from './fixtures.ts';
import { ScriptedModel } from './scripted-model.ts';

/**
 * The lead hands the refund to its `billing` sub-agent; the sub-agent calls
 * `refund` (a tool that needs a person's approval) and answers with what it
 * was told; the lead answers with the sub-agent's note.
 */
function script(request: ChatRequest) {
  const system = request.messages[0]?.content ?? '';
  const tools = toolMessages(request);
  if (system.startsWith('You bill')) {
    if (tools.length === 0)
      return { content: '', toolCalls: [call('s1', 'refund', '{"order":"A1","amount":20}')] };
    return { content: JSON.stringify({ note: tools[0]?.content ?? '' }) };
  }
  if (tools.length === 0) return { content: '', toolCalls: [call('l1', 'billing', '{"order":"A1"}')] };
  return { content: JSON.stringify({ reply: tools[0]?.content ?? '' }) };
}

function setup(o: { approved: boolean; asSource: boolean }) {
  const model = new ScriptedModel(script);
  const ledger = new ToolLedger();
  const refund = ledger.tool('refund', (a) => ({ refunded: a.amount ?? 0 }), {
    sideEffect: true,
    requiresApproval: true,
  });
  // A tool source (an MCP server) says what needs approval only once it runs.
  const source: ToolSource = { tools: () => [refund] };
  const billing = agentTool({
    name: 'billing',
    description: 'Refunds orders',
    input: z.object({ order: z.string() }),
    output: z.object({ note: z.string() }),
    model,
    system: 'You bill customers.',
    tools: [o.asSource ? source : refund],
    requiresApproval: o.approved,
  });
  const lead = reactAgent({
    name: 'lead-billing',
    model,
    system: 'You lead support.',
    output: z.object({ reply: z.string() }),
    approvalTimeoutMs: 60_000,
    tools: [billing],
  });
  return { ledger, h: new AgentHarness(lead) };
}

type Request = Extract<ReactOutput, { type: 'approval-request' }>;

describe('approvals inside a sub-agent', () => {
  it('refuses to make a sub-agent of a tool that needs approval unless the sub-agent call itself is approved', () => {
    expect(() => setup({ approved: false, asSource: false })).toThrow(
      'agent tool "billing": its tool "refund" requires a person\'s approval, which a sub-agent cannot wait for; give "refund" to the calling agent, or set requiresApproval: true on the agent tool so the caller asks before each call',
    );
  });

  it('asks the person before the sub-agent runs, and that approval lets the sub-agent call its tool once', async () => {
    const { ledger, h } = setup({ approved: true, asSource: false });
    await h.start();
    await h.send('alice', { type: 'ask', question: 'Refund A1', runId: 'r1' });
    await h.until('the approval request', (out) => out.length === 1);
    const request = (await h.outputs())[0] as Request;
    expect(request).toMatchObject({ type: 'approval-request', tool: 'billing', arguments: '{"order":"A1"}' });
    expect(ledger.calls).toEqual([]);
    await h.send('alice', { type: 'approval', requestId: request.requestId, approved: true, by: 'ops-lead' });
    await h.until('the answer', (out) => out.some((o) => o.type === 'answer'));
    await h.stop();
    expect(ledger.calls.map((c) => c.tool)).toEqual(['refund']);
    expect((await h.outputs()).find((o) => o.type === 'answer')).toMatchObject({
      answer: { reply: '{"note":"{\\"refunded\\":20}"}' },
    });
  });

  it('never calls a tool that turns out to need approval in a sub-agent whose call was not approved', async () => {
    const { ledger, h } = setup({ approved: false, asSource: true });
    await h.start();
    await h.send('bob', { type: 'ask', question: 'Refund A1', runId: 'r1' });
    await h.until('the answer', (out) => out.some((o) => o.type === 'answer'));
    await h.stop();
    expect(ledger.calls).toEqual([]);
    const answer = (await h.outputs()).find((o) => o.type === 'answer') as unknown as {
      answer: { reply: string };
    };
    const note = (JSON.parse(answer.answer.reply) as { note: string }).note;
    // What the sub-agent's model was told instead of a result.
    expect(note).toContain(
      'tool "refund" needs a person\'s approval, which this sub-agent cannot ask for; answer without it, or say that a person must do it',
    );
  });
});
