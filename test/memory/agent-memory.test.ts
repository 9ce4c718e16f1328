import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reactAgent } from '../../agents/react/react-agent.ts';
import { reactInputSchema } from '../../agents/react/react-io.ts';
import { workflowAgent } from '../../agents/workflow/workflow-agent.ts';
import { workflowInputSchema } from '../../agents/workflow/workflow-io.ts';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { sqlMemory } from '../../connectors/sql/sql-memory.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { actor, to } from '../../core/pipeline/steps.ts';
import { actorMemory } from '../../memory/actor/actor-memory.ts';
import { contextRetriever } from '../../memory/agents/context-retriever.ts';
import { memoryTools } from '../../memory/agents/memory-tools.ts';
import { offlineEmbedder } from '../../memory/embedders/offline-embedder.ts';
import type { MemoryCollection } from '../../memory/long-term/long-term-memory.ts';
import { keyNamespace } from '../../memory/long-term/namespace.ts';
import { ScriptedModel } from '../agents/react/scripted-model.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();

describe('a ReAct agent with remember and recall tools', () => {
  let store: PgliteStore;
  let notes: MemoryCollection;
  beforeAll(async () => {
    store = new PgliteStore();
    await store.migrate();
    notes = await sqlMemory(store).collection({ name: 'agent_notes', dimensions: 64 });
  });
  afterAll(() => store?.close());

  it("remembers in the key's own namespace, in the agent's commit, and recalls it in a later run (never another key's)", async () => {
    // Remembers what the customer says in the first run; recalls in the second; then answers.
    const model = new ScriptedModel((request) => {
      const last = request.messages.at(-1);
      const question = request.messages.findLast((m) => m.role === 'user')?.content ?? '';
      if (last?.role === 'tool') return { content: JSON.stringify({ reply: `noted: ${last.content}` }) };
      return /prefer/.test(question)
        ? {
            content: '',
            toolCalls: [{ id: 'c1', name: 'remember', arguments: JSON.stringify({ text: question }) }],
          }
        : {
            content: '',
            toolCalls: [
              { id: 'c2', name: 'recall', arguments: JSON.stringify({ query: 'courier preference' }) },
            ],
          };
    });
    const memory = actorMemory(notes, offlineEmbedder({ dimensions: 64 }));
    const support = reactAgent({
      name: 'support',
      model,
      tools: [...memoryTools(memory)],
      system: 'Help.',
      maxSteps: 4,
    });
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'support.in', partitions: 2 });
    const answers: { key: string; value: unknown }[] = [];
    const running = pipeline(
      { name: 'support', log, store },
      from('support.in', reactInputSchema).pipe(actor(support), to('support.out')),
    );
    running.subscribe(({ key, value }) => answers.push({ key, value }));
    await running.start();
    const ask = (key: string, id: string, question: string) =>
      log.append('support.in', {
        key,
        msgId: id,
        payload: encoder.encode(JSON.stringify({ type: 'ask', question })),
      });

    await ask('customer-7', 'a1', 'I prefer the courier DHL for every delivery');
    expect(
      await waitUntil(async () => (await notes.count(keyNamespace('support', 'customer-7'))) === 1, {
        timeoutMs: 10_000,
      }),
    ).toBeUndefined();
    const [stored] = await notes.recall({
      namespaces: [keyNamespace('support', 'customer-7')],
      embedding: (await memory.embedder.embed(['DHL'])).vectors[0] as number[],
      k: 1,
    });
    expect(stored?.record.text).toBe('I prefer the courier DHL for every delivery');

    await ask('customer-7', 'a2', 'which courier do I like?');
    await ask('customer-8', 'b1', 'which courier do I like?');
    expect(await waitUntil(async () => answers.length === 3, { timeoutMs: 10_000 })).toBeUndefined();
    await running.stop();
    // Without an output schema the answer is the model's text: the reply JSON the script wrote.
    const replies = Object.fromEntries(
      answers
        .slice(1)
        .map((a) => [a.key, JSON.parse((a.value as { answer: string }).answer).reply as string]),
    );
    expect(replies['customer-7']).toContain('I prefer the courier DHL for every delivery');
    // Another key recalls nothing of customer-7's.
    expect(replies['customer-8']).toBe('noted: []');
    expect(await notes.count(keyNamespace('support', 'customer-8'))).toBe(0);
  });
});

describe('a workflow agent retrieving context', () => {
  it('answers a ContextRetrievalRequest from shared runbooks, journaled, and says when it has no retriever', async () => {
    const store = new PgliteStore();
    await store.migrate();
    const runbooks = await sqlMemory(store).collection({ name: 'runbooks', dimensions: 64 });
    const memory = actorMemory(runbooks, offlineEmbedder({ dimensions: 64 }));
    const [v1, v2] = (
      await memory.embedder.embed([
        'ledger ECONNRESET: fail over to the replica',
        'slow search: rebuild the index',
      ])
    ).vectors;
    await runbooks.write([
      {
        kind: 'upsert',
        namespace: 'team:sre',
        id: 'rb-1',
        text: 'ledger ECONNRESET: fail over to the replica',
        embedding: v1 as number[],
        at: 1,
      },
      {
        kind: 'upsert',
        namespace: 'team:sre',
        id: 'rb-2',
        text: 'slow search: rebuild the index',
        embedding: v2 as number[],
        at: 1,
      },
    ]);
    const make = (name: string, withRetriever: boolean) =>
      workflowAgent({
        name,
        start: (input: { alert: string }) => ({ type: 'Alert', text: input.alert }) as const,
        ...(withRetriever ? { retrieve: contextRetriever(memory, { shared: ['team:sre'] }) } : {}),
        actions: {
          Alert: (e, ctx) =>
            ctx.send({ type: 'ContextRetrievalRequest', id: 'runbook', query: e.text, k: 1 }),
          ContextRetrievalResponse: (e, ctx) =>
            ctx.emit({ error: e.error, top: (e.matches[0] as { id?: string } | undefined)?.id ?? null }),
        },
      });
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'alerts', partitions: 1 });
    await log.append('alerts', {
      key: 'svc-ledger',
      msgId: 'a1',
      payload: encoder.encode(JSON.stringify({ alert: 'ECONNRESET from ledger' })),
    });
    const outputs: unknown[] = [];
    for (const [name, withRetriever] of [
      ['ops', true],
      ['bare', false],
    ] as const) {
      const running = pipeline(
        { name, log, store },
        from('alerts', workflowInputSchema(z.object({ alert: z.string() }))).pipe(
          actor(make(name, withRetriever)),
          to(`${name}.out`),
        ),
      );
      running.subscribe(({ value }) => outputs.push(value));
      await running.start();
      expect(
        await waitUntil(async () => outputs.length === (name === 'ops' ? 1 : 2), { timeoutMs: 10_000 }),
      ).toBeUndefined();
      await running.stop();
    }
    expect(outputs[0]).toEqual({ error: null, top: 'rb-1' });
    expect(outputs[1]).toEqual({ error: expect.stringMatching(/no retriever/), top: null });
    // The retrieval is a journaled step of the agent: its record holds what it found.
    const journal = await store.journal('ops', 'svc-ledger', 1);
    expect(JSON.stringify(journal)).toContain('rb-1');
    await store.close();
  });
});
