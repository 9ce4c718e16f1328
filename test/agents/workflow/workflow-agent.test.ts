import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ChatRequest } from '../../../agents/models/chat-model.ts';
import type { TraceLine, TraceSink } from '../../../agents/steps/trace.ts';
import { workflowAgent } from '../../../agents/workflow/workflow-agent.ts';
import type { ApprovalOutput } from '../../../agents/workflow/workflow-io.ts';
import { workflowInputSchema } from '../../../agents/workflow/workflow-io.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { Stage } from '../../../core/stage/stage.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import type { Json } from '../../../core/store/store.ts';
import { crash } from '../../../core/testing/crash.ts';
import { waitUntil } from '../../services/wait-until.ts';
import { ToolLedger, toolMessages } from '../react/fixtures.ts';
import { ScriptedModel } from '../react/scripted-model.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Ev =
  | { readonly type: 'Review'; readonly text: string }
  | { readonly type: 'Escalate'; readonly reason: string };
type Out = { readonly sentiment: string; readonly product: string } | { readonly escalated: Json };

/** Classifies a review; looks the product up first when it is not named. */
function sentimentScript(request: ChatRequest) {
  const tools = toolMessages(request);
  const text = request.messages.find((m) => m.role === 'user')?.content ?? '';
  if (tools.length === 0 && !text.includes('product:')) {
    return { content: '', toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{"sku":"S1"}' }] };
  }
  return { content: text.includes('broken') ? 'negative' : 'positive' };
}

function triage(model: ScriptedModel, ledger: ToolLedger, trace?: TraceSink) {
  return workflowAgent<{ review: string }, Ev, Out>({
    name: 'triage',
    ...(trace ? { trace } : {}),
    models: { default: model },
    tools: [
      ledger.tool('lookup', () => ({ product: 'kettle' })),
      ledger.tool('escalate', (a) => ({ ticket: `T-${String(a.reason)}` }), {
        sideEffect: true,
        requiresApproval: true,
      }),
    ],
    start: (input) => ({ type: 'Review', text: input.review }),
    actions: {
      Review: (e, ctx) => {
        ctx.memory.set('text', e.text);
        ctx.send({
          type: 'ChatRequest',
          id: 'sentiment',
          tools: ['lookup'],
          messages: [{ role: 'user', content: e.text }],
        });
      },
      ChatResponse: (e, ctx) => {
        if (e.toolCalls.length > 0) {
          for (const c of e.toolCalls)
            ctx.send({ type: 'ToolRequest', id: c.id, tool: c.name, input: JSON.parse(c.arguments) as Json });
          return;
        }
        ctx.emit({ sentiment: e.content, product: String(ctx.memory.get('product') ?? 'named') });
        if (e.content === 'negative') ctx.send({ type: 'Escalate', reason: 'broken' });
      },
      ToolResponse: (e, ctx) => {
        if (e.tool === 'escalate') {
          ctx.emit({ escalated: e.result as unknown as Json });
          return;
        }
        const product = e.result.ok ? (e.result.value as { product: string }).product : 'unknown';
        ctx.memory.set('product', product);
        ctx.send({
          type: 'ChatRequest',
          id: 'sentiment-2',
          messages: [{ role: 'user', content: `${String(ctx.memory.get('text'))} product:${product}` }],
        });
      },
      Escalate: (e, ctx) =>
        ctx.send({ type: 'ToolRequest', id: 'esc', tool: 'escalate', input: { reason: e.reason } }),
    },
  });
}

class Harness {
  readonly log = new MemoryLog();
  readonly store = new MemoryStore();
  readonly model = new ScriptedModel(sentimentScript);
  readonly ledger = new ToolLedger();
  readonly traced: TraceLine[] = [];
  #stage: Stage<never, never, never, never> | undefined;
  #sent = 0;
  #last = 0;

  async start(): Promise<void> {
    if (this.#sent === 0 && !this.#stage) await this.log.ensureTopic({ subject: 'reviews', partitions: 1 });
    const stage = new Stage({
      name: 'triage',
      log: this.log,
      store: this.store,
      input: 'reviews',
      output: 'triaged',
      actor: triage(this.model, this.ledger, (line) => this.traced.push(line)),
      schema: workflowInputSchema(z.object({ review: z.string() })),
      partitions: [0],
      commitIntervalMs: 1,
      restartDelayMs: 1,
    });
    await stage.start();
    this.#stage = stage as unknown as Stage<never, never, never, never>;
  }

  kill(): void {
    if (this.#stage) crash(this.#stage);
  }

  async stop(): Promise<void> {
    await this.#stage?.stop();
  }

  async send(key: string, input: Json): Promise<void> {
    const ack = await this.log.append('reviews', {
      key,
      payload: encoder.encode(JSON.stringify(input)),
      msgId: `r-${++this.#sent}`,
    });
    this.#last = ack.seq;
  }

  async settled(): Promise<void> {
    const failure = await waitUntil(async () => (this.#stage?.watermarks().get(0) ?? 0) >= this.#last, {
      timeoutMs: 10_000,
      intervalMs: 2,
    });
    if (failure !== undefined) throw new Error(`not settled: ${failure}`);
  }

  async outputs(): Promise<(Out | ApprovalOutput)[]> {
    const out: (Out | ApprovalOutput)[] = [];
    for await (const env of this.log.read('triaged', 0, 1))
      out.push(JSON.parse(decoder.decode(env.payload)) as Out);
    return out;
  }
}

describe('workflow agent (Event/Action)', () => {
  it('runs actions on events, with the built-in chat and tool actions, memory and outputs', async () => {
    const h = new Harness();
    await h.start();
    await h.send('alice', { review: 'Lovely, works great' });
    await h.settled();
    await h.stop();
    expect(await h.outputs()).toEqual([{ sentiment: 'positive', product: 'kettle' }]);
    expect(h.model.invocations).toBe(2);
    expect(h.ledger.calls.map((c) => c.tool)).toEqual(['lookup']);
    expect(h.traced.map((l) => l.kind)).toEqual(['model', 'tool', 'model']);
    const types = (await h.store.journal('triage', 'alice'))
      .filter((e) => e.type !== '$step')
      .map((e) =>
        e.type === 'EventHandled' ? `handled ${(e.data as { event: { type: string } }).event.type}` : e.type,
      );
    expect(types).toEqual([
      'handled Review',
      'MemorySet',
      'handled ChatRequest',
      'handled ChatResponse',
      'handled ToolRequest',
      'handled ToolResponse',
      'MemorySet',
      'handled ChatRequest',
      'handled ChatResponse',
      'OutputEmitted',
    ]);
  });

  it('parks a tool request that needs approval and runs it once on the matching decision only', async () => {
    const h = new Harness();
    await h.start();
    await h.send('bob', { review: 'It arrived broken product:kettle' });
    await h.settled();
    const request = (await h.outputs()).find(
      (o): o is Extract<ApprovalOutput, { type: 'approval-request' }> =>
        'type' in o && o.type === 'approval-request',
    );
    expect(request).toMatchObject({ tool: 'escalate', input: { reason: 'broken' } });
    expect(h.ledger.calls).toEqual([]);
    await h.send('bob', {
      type: 'approval',
      requestId: `${request?.requestId}-forged`,
      approved: true,
      by: 'x',
    });
    await h.settled();
    expect(h.ledger.calls).toEqual([]);
    await h.send('bob', {
      type: 'approval',
      requestId: request?.requestId ?? '',
      approved: true,
      by: 'lead',
    });
    await h.settled();
    await h.send('bob', {
      type: 'approval',
      requestId: request?.requestId ?? '',
      approved: true,
      by: 'lead',
    });
    await h.settled();
    await h.stop();
    expect(h.ledger.calls.map((c) => c.tool)).toEqual(['escalate']);
    const outputs = await h.outputs();
    expect(outputs.filter((o) => 'type' in o && o.type === 'approval-rejected')).toHaveLength(2);
    expect(outputs.filter((o) => 'escalated' in o)).toEqual([
      { escalated: { ok: true, value: { ticket: 'T-broken' } } },
    ]);
  });

  it('resumes after a crash in a tool call without calling the model again', async () => {
    const clean = new Harness();
    await clean.start();
    await clean.send('carol', { review: 'Lovely, works great' });
    await clean.settled();
    await clean.stop();

    const h = new Harness();
    h.ledger.hangOn = 1;
    await h.start();
    await h.send('carol', { review: 'Lovely, works great' });
    const failure = await waitUntil(async () => h.ledger.invocations === 1, {
      timeoutMs: 5_000,
      intervalMs: 2,
    });
    expect(failure).toBeUndefined();
    h.kill();
    await h.start();
    await h.settled();
    await h.stop();
    expect(await h.outputs()).toEqual(await clean.outputs());
    // The first model call was journaled before the crash: only the second one ran after it.
    expect(h.model.completed).toEqual([1, 1]);
    expect(h.model.invocations).toBe(2);
    expect(h.ledger.hung[0]?.key).toBe(h.ledger.calls[0]?.key);
  });
});

describe('workflow sensory memory', () => {
  it("keeps scratch for one input's actions and drops it before the next input", async () => {
    type Step = { readonly type: 'Seen'; readonly text: string } | { readonly type: 'Next' };
    const agent = workflowAgent<{ text: string }, Step, { before: string | null; now: string }>({
      name: 'scratchy',
      start: (input) => ({ type: 'Seen', text: input.text }),
      actions: {
        Seen: (e, ctx) => {
          ctx.emit({ before: (ctx.scratch.get('text') as string | undefined) ?? null, now: e.text });
          ctx.scratch.set('text', e.text);
          ctx.send({ type: 'Next' });
        },
        Next: (_e, ctx) => ctx.emit({ before: (ctx.scratch.get('text') as string) ?? null, now: 'next' }),
      },
    });
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'in', partitions: 1 });
    const outputs: unknown[] = [];
    const stage = new Stage({
      name: 'scratchy',
      log,
      store: new MemoryStore(),
      input: 'in',
      output: 'out',
      actor: agent,
      schema: workflowInputSchema(z.object({ text: z.string() })),
    });
    await stage.start();
    for (const [i, text] of ['a', 'b'].entries()) {
      await log.append('in', { key: 'k', msgId: `m${i}`, payload: encoder.encode(JSON.stringify({ text })) });
    }
    expect(
      await waitUntil(
        async () => {
          outputs.length = 0;
          for await (const e of log.read('out', 0, 1)) outputs.push(JSON.parse(decoder.decode(e.payload)));
          return outputs.length === 4;
        },
        { timeoutMs: 5_000 },
      ),
    ).toBeUndefined();
    await stage.stop();
    expect(outputs).toEqual([
      { before: null, now: 'a' },
      { before: 'a', now: 'next' },
      { before: null, now: 'b' },
      { before: 'b', now: 'next' },
    ]);
  });
});
