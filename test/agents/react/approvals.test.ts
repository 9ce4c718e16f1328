import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatRequest } from '../../../agents/models/chat-model.ts';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import type { ReactOutput } from '../../../agents/react/react-io.ts';
import { AgentHarness } from './agent-harness.ts';
import { call, ToolLedger, toolMessages } from './fixtures.ts';
import { ScriptedModel } from './scripted-model.ts';

/** Asks for a refund (approval needed) and a lookup in one turn, then reports what the tools said. */
function refundScript(request: ChatRequest) {
  const tools = toolMessages(request);
  if (tools.length === 0) {
    return {
      content: '',
      toolCalls: [call('c1', 'lookup', '{"order":"A1"}'), call('c2', 'refund', '{"order":"A1","amount":20}')],
    };
  }
  const refund = tools.find((t) => t.name === 'refund');
  return { content: JSON.stringify({ refunded: refund?.isError === false, note: refund?.content ?? '' }) };
}

function setup() {
  const model = new ScriptedModel(refundScript);
  const ledger = new ToolLedger();
  const agent = reactAgent({
    name: 'support',
    model,
    output: z.object({ refunded: z.boolean(), note: z.string() }),
    approvalTimeoutMs: 60_000,
    tools: [
      ledger.tool('lookup', () => ({ status: 'delivered' })),
      ledger.tool('refund', (a) => ({ refunded: a.amount ?? 0 }), {
        sideEffect: true,
        requiresApproval: true,
      }),
    ],
  });
  return { model, ledger, h: new AgentHarness(agent) };
}

type Request = Extract<ReactOutput, { type: 'approval-request' }>;
const requestOf = (outputs: readonly ReactOutput[]): Request => {
  const request = outputs.find((o): o is Request => o.type === 'approval-request');
  if (!request) throw new Error('no approval request');
  return request;
};

describe('ReAct agent approvals', () => {
  it('asks first, rejects forged and foreign approvals, runs the tool once on the matching one', async () => {
    const { ledger, h } = setup();
    await h.start();
    await h.send('alice', { type: 'ask', question: 'Refund A1', runId: 'r1' });
    await h.until('the approval request', (out) => out.length === 1);
    const request = requestOf(await h.outputs());
    expect(request).toMatchObject({ tool: 'refund', arguments: '{"order":"A1","amount":20}', runId: 'r1' });
    expect(ledger.calls.map((c) => c.tool)).toEqual(['lookup']);

    await h.send('alice', {
      type: 'approval',
      requestId: `${request.requestId}x`,
      approved: true,
      by: 'mallory',
    });
    // An approval for another key's request id does not reach this key's request either.
    await h.send('bob', { type: 'approval', requestId: request.requestId, approved: true, by: 'mallory' });
    await h.until('two rejections', (out) => out.filter((o) => o.type === 'approval-rejected').length === 2);
    expect(ledger.calls.map((c) => c.tool)).toEqual(['lookup']);

    await h.send('alice', { type: 'approval', requestId: request.requestId, approved: true, by: 'ops-lead' });
    await h.until('the answer', (out) => out.some((o) => o.type === 'answer'));
    // Replaying the same approval later finds nothing pending.
    await h.send('alice', { type: 'approval', requestId: request.requestId, approved: true, by: 'ops-lead' });
    await h.until(
      'the third rejection',
      (out) => out.filter((o) => o.type === 'approval-rejected').length === 3,
    );
    await h.stop();
    expect(ledger.calls.map((c) => c.tool)).toEqual(['lookup', 'refund']);
    expect((await h.outputs()).find((o) => o.type === 'answer')).toMatchObject({
      answer: { refunded: true, note: '{"refunded":20}' },
    });
    const journal = await h.journal('alice');
    expect(journal.filter((e) => (e as { type: string }).type === 'ApprovalResolved')).toEqual([
      {
        type: 'ApprovalResolved',
        data: {
          type: 'ApprovalResolved',
          requestId: request.requestId,
          approved: true,
          by: 'ops-lead',
          reason: '',
        },
      },
    ]);
  });

  it('a denial never runs the tool and tells the model who denied it', async () => {
    const { ledger, h } = setup();
    await h.start();
    await h.send('carol', { type: 'ask', question: 'Refund A1', runId: 'r1' });
    await h.until('the approval request', (out) => out.length === 1);
    const { requestId } = requestOf(await h.outputs());
    await h.send('carol', { type: 'approval', requestId, approved: false, by: 'ops-lead', reason: 'policy' });
    await h.until('the answer', (out) => out.some((o) => o.type === 'answer'));
    await h.stop();
    expect(ledger.calls.map((c) => c.tool)).toEqual(['lookup']);
    expect((await h.outputs()).find((o) => o.type === 'answer')).toMatchObject({
      answer: { refunded: false, note: 'not run: denied by ops-lead (policy)' },
    });
  });

  it('denies on timeout through a durable timer, also across a restart', async () => {
    const { ledger, h } = setup();
    await h.start();
    await h.send('dave', { type: 'ask', question: 'Refund A1', runId: 'r1' });
    await h.until('the approval request', (out) => out.length === 1);
    const { requestId, expiresAt } = requestOf(await h.outputs());
    expect(expiresAt).toBe(h.now + 60_000);
    await h.stop();
    h.now += 61_000;
    await h.start();
    await h.until('the answer', (out) => out.some((o) => o.type === 'answer'));
    await h.send('dave', { type: 'approval', requestId, approved: true, by: 'late' });
    await h.until('the rejection', (out) => out.some((o) => o.type === 'approval-rejected'));
    await h.stop();
    expect(ledger.calls.map((c) => c.tool)).toEqual(['lookup']);
    expect((await h.outputs()).find((o) => o.type === 'answer')).toMatchObject({
      answer: {
        refunded: false,
        note: 'not run: denied by timeout (no decision before the request expired)',
      },
    });
  });

  it('queues a question that arrives while a run waits, and answers it after', async () => {
    const { h } = setup();
    await h.start();
    await h.send('erin', { type: 'ask', question: 'Refund A1', runId: 'r1' });
    await h.until('the approval request', (out) => out.length === 1);
    const { requestId } = requestOf(await h.outputs());
    await h.send('erin', { type: 'ask', question: 'Refund A1 again', runId: 'r2' });
    await h.send('erin', { type: 'approval', requestId, approved: true, by: 'ops' });
    await h.until(
      'the second request',
      (out) => out.filter((o) => o.type === 'approval-request').length === 2,
    );
    const outputs = await h.outputs();
    await h.stop();
    expect(outputs.map((o) => [o.type, 'runId' in o ? o.runId : ''])).toEqual([
      ['approval-request', 'r1'],
      ['answer', 'r1'],
      ['approval-request', 'r2'],
    ]);
  });
});
