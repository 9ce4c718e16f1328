import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatRequest } from '../../../agents/models/chat-model.ts';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import type { ReactOutput } from '../../../agents/react/react-io.ts';
import { propertyRuns } from '../../property/ledger-inputs.ts';
import { AgentHarness } from './agent-harness.ts';
import { call, ToolLedger, toolMessages } from './fixtures.ts';
import { ScriptedModel } from './scripted-model.ts';

const TIMEOUT = 60_000;

/** Each question "Refund rN" asks for a refund of run rN (approval needed), then reports. */
function script(request: ChatRequest) {
  const run =
    /Refund (r\d+)/.exec(request.messages.find((m) => m.role === 'user')?.content ?? '')?.[1] ?? '?';
  if (toolMessages(request).length === 0) {
    return { content: '', toolCalls: [call('c1', 'refund', JSON.stringify({ run }))] };
  }
  return { content: JSON.stringify({ done: true }) };
}

type Command =
  | { kind: 'ask' }
  | { kind: 'approve-latest' }
  | { kind: 'deny-latest' }
  | { kind: 'approve-earliest' }
  | { kind: 'forge' }
  | { kind: 'expire' };

// Weighted so that requests are usually pending when forgeries and replays arrive.
const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'ask' } as const), weight: 4 },
  { arbitrary: fc.constant({ kind: 'approve-latest' } as const), weight: 2 },
  { arbitrary: fc.constant({ kind: 'deny-latest' } as const), weight: 1 },
  { arbitrary: fc.constant({ kind: 'approve-earliest' } as const), weight: 2 },
  { arbitrary: fc.constant({ kind: 'forge' } as const), weight: 3 },
  { arbitrary: fc.constant({ kind: 'expire' } as const), weight: 1 },
);

type Request = Extract<ReactOutput, { type: 'approval-request' }> & { key: string };

describe('ReAct agent approvals under random event orders (property)', () => {
  it('never runs an approval-gated tool without the matching approval, and at most once per request', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 14 }), async (commands) => {
        const model = new ScriptedModel(script);
        const ledger = new ToolLedger();
        const agent = reactAgent({
          name: 'refunds',
          model,
          output: z.object({ done: z.boolean() }),
          approvalTimeoutMs: TIMEOUT,
          tools: [
            ledger.tool('refund', (a) => ({ refunded: a.run ?? null }), {
              sideEffect: true,
              requiresApproval: true,
            }),
          ],
        });
        const h = new AgentHarness(agent);
        await h.start();
        const approvalsSent: { requestId: string; approved: boolean }[] = [];
        let runs = 0;
        for (const c of commands) {
          const requests = (await h.outputs()).filter((o): o is Request => o.type === 'approval-request');
          const pick = c.kind === 'approve-earliest' ? requests[0] : requests.at(-1);
          switch (c.kind) {
            case 'ask':
              await h.send('k', { type: 'ask', question: `Refund r${++runs}`, runId: `r${runs}` });
              break;
            case 'forge':
              approvalsSent.push({ requestId: `${pick?.requestId ?? 'r1/0/c1'}-forged`, approved: true });
              await h.send('k', {
                type: 'approval',
                requestId: approvalsSent.at(-1)?.requestId ?? '',
                approved: true,
                by: 'x',
              });
              break;
            case 'expire':
              h.now += TIMEOUT + 1;
              await new Promise((resolve) => setTimeout(resolve, 30));
              break;
            default: {
              if (!pick) break;
              const approved = c.kind !== 'deny-latest';
              approvalsSent.push({ requestId: pick.requestId, approved });
              await h.send('k', { type: 'approval', requestId: pick.requestId, approved, by: 'ops' });
            }
          }
          await h.settled();
        }
        await h.stop();

        const outputs = await h.outputs();
        const requests = outputs.filter((o): o is Request => o.type === 'approval-request');
        const journal = (await h.journal('k')).map((e) => (e as { data: Record<string, unknown> }).data);
        const resolved = journal.filter((d) => d.type === 'ApprovalResolved');
        // Every request is decided at most once.
        expect(new Set(resolved.map((d) => d.requestId)).size).toBe(resolved.length);
        // Every approval that took effect was sent, for exactly that request, as an approval.
        for (const d of resolved.filter((r) => r.approved === true)) {
          expect(approvalsSent).toContainEqual({ requestId: d.requestId, approved: true });
        }
        // Every refund that ran belongs to a request that was approved, and ran once.
        const approvedRuns = new Set(
          resolved
            .filter((d) => d.approved === true)
            .map((d) => requests.find((r) => r.requestId === d.requestId)?.runId),
        );
        const refunded = ledger.calls.map((c) => (JSON.parse(c.args) as { run: string }).run);
        expect(new Set(refunded).size).toBe(refunded.length);
        for (const run of refunded) expect(approvedRuns.has(run)).toBe(true);
        expect(refunded.length).toBe(approvedRuns.size);
      }),
      { numRuns: Math.max(40, Math.floor(propertyRuns() / 5)) },
    );
  }, 120_000);
});
