import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatModel } from '../../agents/models/chat-model-factory.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { to } from '../../core/pipeline/steps.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import { defineModel } from '../../memory/functions/define-model.ts';
import { predict } from '../../memory/functions/predict.ts';
import { bodyOf, openaiCompletion, startOpenAIServer, type WireServer } from '../agents/wire/index.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe('predict through the openai SDK against the wire', () => {
  let server: WireServer;
  beforeAll(async () => {
    // Answers with the urgency the ticket text asks for, so each answer belongs to its record.
    server = await startOpenAIServer((request) => {
      const messages = bodyOf(request).messages as { content: string }[];
      const urgent = /down|outage/.test(messages.at(-1)?.content ?? '');
      return openaiCompletion({
        content: JSON.stringify({ urgent, reason: urgent ? 'service down' : 'question' }),
        usage: { prompt: 20, completion: 7 },
      });
    });
  });
  afterAll(() => server.close());

  it('adds a checked prediction to each record, dead-letters a misfit, counts tokens, and never asks twice for a committed record', async () => {
    const triage = defineModel({
      name: 'triage',
      model: chatModel({
        provider: 'openai',
        model: 'gpt-wire',
        baseURL: server.baseURL,
        apiKey: 'sk-wire-1',
      }),
      input: z.object({ id: z.string(), text: z.string().min(1) }),
      output: z.object({ urgent: z.boolean(), reason: z.string() }),
      system: 'You triage support tickets.',
      prompt: (t) => `Ticket: ${t.text}`,
    });
    const log = new MemoryLog();
    const store = new MemoryStore();
    const metrics = new Registry();
    await log.ensureTopic({ subject: 'tickets', partitions: 2 });
    const tickets = [
      { id: 't1', text: 'checkout is down for everyone' },
      { id: 't2', text: 'how do I change my address?' },
      { id: 't3', text: '' },
    ];
    for (const t of tickets) {
      await log.append('tickets', { key: t.id, msgId: t.id, payload: encoder.encode(JSON.stringify(t)) });
    }
    const flow = from('tickets', z.object({ id: z.string(), text: z.string() })).pipe(
      predict(triage, {
        as: 'triage',
        metrics,
        prices: { 'openai:gpt-wire': { inputPerMillion: 1, outputPerMillion: 2 } },
      }),
      to('triaged'),
    );
    const letters: string[] = [];
    const first = pipeline({ name: 'triage', log, store }, flow);
    first.deadLetters$.subscribe(({ value }) => letters.push(value.reason));
    first.subscribe();
    await first.start();
    const triaged = async () => {
      const out: { id: string; triage: { urgent: boolean } }[] = [];
      for (const p of [0, 1])
        for await (const e of log.read('triaged', p, 1)) out.push(JSON.parse(decoder.decode(e.payload)));
      return out;
    };
    expect(
      await waitUntil(async () => (await triaged()).length === 2 && letters.length === 1, {
        timeoutMs: 10_000,
      }),
    ).toBeUndefined();
    await first.stop();
    expect(Object.fromEntries((await triaged()).map((t) => [t.id, t.triage.urgent]))).toEqual({
      t1: true,
      t2: false,
    });
    expect(letters[0]).toMatch(/does not fit the model's input: text/);
    expect(server.requests).toHaveLength(2);
    const text = await metrics.metrics();
    expect(text).toContain('eddy_ai_calls_total{function="triage",model="openai:gpt-wire",outcome="ok"} 2');
    expect(text).toContain(
      'eddy_ai_tokens_total{function="triage",model="openai:gpt-wire",direction="input"} 40',
    );
    // 40 input and 14 output tokens at $1 / $2 per million.
    expect(text).toMatch(/eddy_ai_cost_usd_total\{function="triage",model="openai:gpt-wire"\} 0\.000068\n/);

    // The same pipeline again: every record is committed, so no model call is made.
    const second = pipeline({ name: 'triage', log, store }, flow);
    second.subscribe();
    await second.start();
    const lastSeqs = new Map<number, number>();
    for (const p of [0, 1]) for await (const e of log.read('tickets', p, 1)) lastSeqs.set(p, e.seq);
    // It holds both partitions at the committed watermarks: everything there was committed already.
    expect(
      await waitUntil(
        async () => [...lastSeqs].every(([p, seq]) => (second.watermarks().get(p) ?? -1) >= seq),
        { timeoutMs: 10_000 },
      ),
    ).toBeUndefined();
    await second.stop();
    expect(server.requests).toHaveLength(2);
    expect(await triaged()).toHaveLength(2);
  });
});
