import { Registry } from 'prom-client';
import { firstValueFrom } from 'rxjs';
import { take, toArray } from 'rxjs/operators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BudgetExceededError } from '../../../agents/models/budget/budget-exceeded-error.ts';
import { budgeted } from '../../../agents/models/budget/budgeted-model.ts';
import { cachedModel } from '../../../agents/models/cache/cached-model.ts';
import type { ChatRequest } from '../../../agents/models/chat-model.ts';
import { chatModel } from '../../../agents/models/chat-model-factory.ts';
import { modelRouter, requestChars } from '../../../agents/models/routing/model-router.ts';
import { workflowAgent } from '../../../agents/workflow/workflow-agent.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { from } from '../../../core/pipeline/flow.ts';
import { pipeline } from '../../../core/pipeline/pipeline.ts';
import { actor } from '../../../core/pipeline/steps.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import { bodyOf, openaiCompletion, openaiError, startOpenAIServer, type WireServer } from '../wire/index.ts';

let wire: WireServer;
let broken: WireServer;
beforeAll(async () => {
  // Every answer costs 100 tokens and echoes the last message.
  wire = await startOpenAIServer((request) => {
    const messages = bodyOf(request).messages as { content: string }[];
    return openaiCompletion({
      content: `re: ${messages.at(-1)?.content}`,
      usage: { prompt: 60, completion: 40 },
    });
  });
  broken = await startOpenAIServer(() => openaiError(500, 'the provider is down'));
});
afterAll(async () => {
  await wire.close();
  await broken.close();
});

const model = (server: WireServer, name: string) =>
  chatModel({ provider: 'openai', model: name, baseURL: server.baseURL, apiKey: 'sk-test', retries: 0 });
const ask = (content: string, key: string): ChatRequest => ({
  messages: [{ role: 'user', content }],
  caller: { agent: 'support', key },
});

describe('budgeted: token and cost budgets as flow control', () => {
  it('refuses a key over its budget, and only that key', async () => {
    const metrics = new Registry();
    const m = budgeted(model(wire, 'gpt-a'), {
      perKey: { tokens: 250, windowMs: 60_000 },
      onExceeded: 'dead-letter',
      metrics,
    });
    for (let i = 0; i < 3; i++) await m.chat(ask(`q${i}`, 'k1'));
    await expect(m.chat(ask('q3', 'k1'))).rejects.toBeInstanceOf(BudgetExceededError);
    await expect(m.chat(ask('q3', 'k1'))).rejects.toThrow(/key support\/k1 budget is spent \(300 tokens/);
    expect((await m.chat(ask('q0', 'k2'))).content).toBe('re: q0');
    expect(await metrics.getSingleMetricAsString('eddy_model_budget_refusals_total')).toMatch(
      /scope="key"\} 2/,
    );
  });

  it('makes a call wait for room in the window when told to', async () => {
    const metrics = new Registry();
    const m = budgeted(model(wire, 'gpt-b'), { perAgent: { tokens: 100, windowMs: 400 }, metrics });
    await m.chat(ask('first', 'k1'));
    const started = performance.now();
    await m.chat(ask('second', 'k2'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(await metrics.getSingleMetricAsString('eddy_model_budget_waits_total')).toMatch(
      /scope="agent"\} 1/,
    );
    expect(await metrics.getSingleMetricAsString('eddy_model_budget_used')).toMatch(
      /scope="agent support",unit="tokens"\} 100/,
    );
  });

  it('dead-letters the input of an agent whose key is over budget, with the reason', async () => {
    const agent = workflowAgent({
      name: 'budgeted-support',
      models: {
        default: budgeted(model(wire, 'gpt-c'), {
          perKey: { tokens: 150, windowMs: 60_000 },
          onExceeded: 'dead-letter',
        }),
      },
      start: (q: { q: string }) => ({ type: 'Ask', q: q.q }) as const,
      actions: {
        Ask: async (e, ctx) => {
          const answer = await ctx.chat({ messages: [{ role: 'user', content: e.q }] });
          ctx.emit({ answer: answer.content });
        },
      },
    });
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'bq', partitions: 1 });
    const running = pipeline(
      { name: 'budgeted-support', log, store: new MemoryStore(), commitIntervalMs: 1 },
      from('bq', z.object({ q: z.string() })).pipe(actor(agent)),
    );
    const dead = firstValueFrom(running.deadLetters$);
    const answers = firstValueFrom(running.pipe(take(3), toArray()));
    await running.start();
    for (const [i, key] of ['k1', 'k1', 'k1', 'k2'].entries())
      await log.append('bq', {
        key,
        msgId: `b${i}`,
        payload: new TextEncoder().encode(JSON.stringify({ q: `q${i}` })),
      });
    const letter = await dead;
    expect(letter.key).toBe('k1');
    expect(letter.value.reason).toMatch(/^BudgetExceededError: the key budgeted-support\/k1 budget is spent/);
    expect((await answers).map((a) => `${a.key} ${(a.value as { answer: string }).answer}`).sort()).toEqual([
      'k1 re: q0',
      'k1 re: q1',
      'k2 re: q3',
    ]);
    await running.stop();
  });
});

describe('cachedModel: identical calls answered once', () => {
  it('answers the same call from any key from the cache, and a different one from the model', async () => {
    const metrics = new Registry();
    const m = cachedModel(model(wire, 'gpt-cache'), { metrics });
    wire.reset();
    const [a, b] = await Promise.all([m.chat(ask('same', 'k1')), m.chat(ask('same', 'k2'))]);
    const c = await m.chat(ask('same', 'k3'));
    await m.chat(ask('other', 'k1'));
    expect([a.content, b.content, c.content]).toEqual(['re: same', 're: same', 're: same']);
    expect(wire.requests).toHaveLength(2);
    expect(await metrics.getSingleMetricAsString('eddy_model_cache_hits_total')).toMatch(/\} 2$/m);
    expect(await metrics.getSingleMetricAsString('eddy_model_cache_misses_total')).toMatch(/\} 2$/m);
  });
});

describe('modelRouter: a model per request, and a fallback when one keeps failing', () => {
  it('routes small requests to the cheap model and big ones to the big one, falling back when the cheap one fails', async () => {
    broken.reset();
    wire.reset();
    const router = modelRouter({
      name: 'support',
      failures: 2,
      coolDownMs: 60_000,
      routes: [
        {
          model: model(broken, 'cheap'),
          when: (r) => requestChars(r) < 100,
          fallbacks: [model(wire, 'cheap-backup')],
        },
        { model: model(wire, 'big') },
      ],
    });
    const first = await router.chat(ask('short question', 'k1'));
    expect(first.model).toBe('openai:cheap-backup');
    await router.chat(ask('another short one', 'k1'));
    expect(broken.requests).toHaveLength(2);
    // Failed twice in a row: skipped while it cools down, straight to the backup.
    expect((await router.chat(ask('third', 'k1'))).model).toBe('openai:cheap-backup');
    expect(broken.requests).toHaveLength(2);
    const big = await router.chat(ask('x'.repeat(500), 'k1'));
    expect(big.model).toBe('openai:big');
    expect(router.id).toBe('router:support');
  });

  it('gives the last failure when every model of the route fails', async () => {
    const router = modelRouter({
      name: 'down',
      routes: [{ model: model(broken, 'a'), fallbacks: [model(broken, 'b')] }],
    });
    await expect(router.chat(ask('hello', 'k1'))).rejects.toThrow(/the provider is down/);
  });
});
