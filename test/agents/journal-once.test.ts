import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatRequest } from '../../agents/models/chat-model.ts';
import { reactAgent } from '../../agents/react/react-agent.ts';
import type { ReactOutput } from '../../agents/react/react-io.ts';
import { workflowAgent } from '../../agents/workflow/workflow-agent.ts';
import { workflowInputSchema } from '../../agents/workflow/workflow-io.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { replayKey } from '../../core/replay/replay-key.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { Json } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';
import { AgentHarness } from './react/agent-harness.ts';
import { call, ToolLedger, toolMessages } from './react/fixtures.ts';
import { ScriptedModel } from './react/scripted-model.ts';

// Each model answer and tool result carries a marker found nowhere else, so counting the journal
// events whose data holds it counts the copies of that answer the journal keeps.
const FIRST = 'FIRST-ANSWER let me look that up';
const FINAL = 'FINAL-ANSWER the order has shipped';
const TOOL = 'TOOL-RESULT';

function script(request: ChatRequest) {
  if (toolMessages(request).length === 0) {
    return { content: FIRST, toolCalls: [call('c1', 'lookup', '{"order":"A1"}')] };
  }
  return { content: FINAL };
}

function world(options: { requiresApproval?: boolean; snapshotEvery?: number } = {}) {
  const model = new ScriptedModel(script);
  const ledger = new ToolLedger();
  const agent = reactAgent({
    name: 'orders',
    model,
    approvalTimeoutMs: 60_000,
    tools: [
      ledger.tool('lookup', () => ({ status: TOOL }), {
        sideEffect: true,
        requiresApproval: options.requiresApproval ?? false,
      }),
    ],
    ...(options.snapshotEvery ? { snapshot: { every: options.snapshotEvery, keep: 100 } } : {}),
  });
  return { model, ledger, agent, h: new AgentHarness(agent) };
}

function copies(journal: readonly Json[], marker: string): number {
  return journal.filter((e) => JSON.stringify(e).includes(marker)).length;
}

describe('agents journal each model answer and tool result once', () => {
  it('ReAct: two model calls and a tool call, each in one journal event; replay agrees with the snapshots', async () => {
    const { model, agent, h } = world({ snapshotEvery: 1 });
    await h.start();
    await h.send('alice', { type: 'ask', question: 'Where is A1?', runId: 'r1' });
    await h.until('the answer', (out) => out.length === 1);
    await h.stop();
    expect(model.completed).toEqual([1, 2]);
    expect((await h.outputs())[0]).toMatchObject({ type: 'answer', answer: FINAL, steps: 2 });
    const journal = await h.journal('alice');
    expect(copies(journal, FIRST)).toBe(1);
    expect(copies(journal, FINAL)).toBe(1);
    expect(copies(journal, TOOL)).toBe(1);
    // Replay rebuilds what the run saw from the step records the events refer to: every
    // snapshot (one per commit here) holds the conversation exactly as replay rebuilds it.
    const replay = await replayKey(agent, h.store, 'alice');
    expect(replay.mismatches).toEqual([]);
    expect(replay.state).toEqual({ run: null, queue: [], finished: 1 });
  });

  it('ReAct: a restarted agent resumes the conversation from the step records', async () => {
    const { model, ledger, agent, h } = world({ requiresApproval: true });
    await h.start();
    await h.send('alice', { type: 'ask', question: 'Where is A1?', runId: 'r1' });
    await h.until('the approval request', (out) => out.length === 1);
    await h.stop();
    const mid = await replayKey(agent, h.store, 'alice');
    expect(mid.state.run?.messages).toContainEqual({
      role: 'assistant',
      content: FIRST,
      calls: [{ id: 'c1', name: 'lookup', arguments: '{"order":"A1"}' }],
    });

    await h.start();
    const request = (await h.outputs()).find(
      (o): o is Extract<ReactOutput, { type: 'approval-request' }> & { key: string } =>
        o.type === 'approval-request',
    );
    await h.send('alice', {
      type: 'approval',
      requestId: request?.requestId ?? '',
      approved: true,
      by: 'ops',
    });
    await h.until('the answer', (out) => out.some((o) => o.type === 'answer'));
    await h.stop();
    expect(ledger.calls.map((c) => c.tool)).toEqual(['lookup']);
    // The second model call saw the first answer and the tool result: both came back from the journal.
    expect(model.requests[1]?.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: FIRST,
        toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"order":"A1"}' }],
      },
      { role: 'tool', toolCallId: 'c1', name: 'lookup', content: `{"status":"${TOOL}"}`, isError: false },
    ]);
    const journal = await h.journal('alice');
    for (const marker of [FIRST, FINAL, TOOL]) expect(copies(journal, marker)).toBe(1);
  });

  it('ReAct: a crash after the first model step keeps that answer once, read back by the re-run', async () => {
    const { model, ledger, h } = world();
    ledger.hangOn = 1;
    await h.start();
    await h.send('alice', { type: 'ask', question: 'Where is A1?', runId: 'r1' });
    const failure = await waitUntil(async () => ledger.invocations === 1, {
      timeoutMs: 5_000,
      intervalMs: 2,
    });
    expect(failure).toBeUndefined();
    h.kill();
    await h.start();
    await h.until('the answer', (out) => out.length === 1);
    await h.stop();
    expect(model.completed).toEqual([1, 2]);
    const journal = await h.journal('alice');
    for (const marker of [FIRST, FINAL, TOOL]) expect(copies(journal, marker)).toBe(1);
  });

  it('workflow: built-in chat and tool actions journal each answer and result once', async () => {
    const model = new ScriptedModel(script);
    const ledger = new ToolLedger();
    type Ev = { readonly type: 'Ask'; readonly question: string };
    const agent = workflowAgent<{ question: string }, Ev, { words: number }>({
      name: 'flow',
      models: { default: model },
      tools: [ledger.tool('lookup', () => ({ status: TOOL }))],
      start: (input) => ({ type: 'Ask', question: input.question }),
      actions: {
        Ask: (e, ctx) =>
          ctx.send({
            type: 'ChatRequest',
            id: 'q1',
            tools: ['lookup'],
            messages: [{ role: 'user', content: e.question }],
          }),
        ChatResponse: (e, ctx) => {
          const [first] = e.toolCalls;
          if (first)
            ctx.send({ type: 'ToolRequest', id: first.id, tool: first.name, input: { order: 'A1' } });
          else ctx.emit({ words: e.content.split(' ').length });
        },
        ToolResponse: (e, ctx) =>
          ctx.send({
            type: 'ChatRequest',
            id: 'q2',
            messages: [
              { role: 'user', content: 'Where is A1?' },
              { role: 'assistant', content: '', toolCalls: [{ id: e.id, name: e.tool, arguments: '{}' }] },
              { role: 'tool', toolCallId: e.id, name: e.tool, content: e.result.ok ? 'found' : 'missing' },
            ],
          }),
      },
    });
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'questions', partitions: 1 });
    const stage = new Stage({
      name: 'flow',
      log,
      store,
      input: 'questions',
      output: 'answers',
      actor: agent,
      schema: workflowInputSchema(z.object({ question: z.string() })),
      partitions: [0],
      commitIntervalMs: 1,
    });
    await stage.start();
    const { seq } = await log.append('questions', {
      key: 'alice',
      payload: new TextEncoder().encode(JSON.stringify({ question: 'Where is A1?' })),
      msgId: 'q-1',
    });
    const failure = await waitUntil(async () => (stage.watermarks().get(0) ?? 0) >= seq, {
      timeoutMs: 10_000,
      intervalMs: 2,
    });
    expect(failure).toBeUndefined();
    await stage.stop();
    expect(model.invocations).toBe(2);
    const journal = (await store.journal('flow', 'alice')).map((e) => e.data);
    for (const marker of [FIRST, FINAL, TOOL]) expect(copies(journal, marker)).toBe(1);
    // The handled responses still say what they are, for a person reading the journal.
    expect(
      journal
        .map((d) => (d as { type: string; event?: { type?: string } }).event?.type)
        .filter((t) => t !== undefined),
    ).toEqual([
      'Ask',
      'ChatRequest',
      'ChatResponse',
      'ToolRequest',
      'ToolResponse',
      'ChatRequest',
      'ChatResponse',
    ]);
    expect((await replayKey(agent, store, 'alice')).mismatches).toEqual([]);
  });
});
