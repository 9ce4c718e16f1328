import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatModel } from '../../../agents/models/index.ts';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import { reactInputSchema } from '../../../agents/react/react-io.ts';
import { tool } from '../../../agents/tools/typed-tool.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { from } from '../../../core/pipeline/flow.ts';
import { pipeline } from '../../../core/pipeline/pipeline.ts';
import { actor, to } from '../../../core/pipeline/steps.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import { openaiCompletion, startOpenAIServer, type WireServer } from '../wire/index.ts';

describe('OpenTelemetry spans of an agent run (GenAI semantic conventions)', () => {
  const exporter = new InMemorySpanExporter();
  const contexts = new AsyncLocalStorageContextManager();
  let wire: WireServer;

  beforeAll(async () => {
    context.setGlobalContextManager(contexts.enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
    wire = await startOpenAIServer();
  });
  afterAll(async () => {
    trace.disable();
    context.disable();
    await wire.close();
  });

  it('nests the model calls and the tool call under the agent run, and traces the commit', async () => {
    wire.reply(
      openaiCompletion({
        toolCalls: [{ id: 'call_1', name: 'lookup_order', arguments: JSON.stringify({ order: 'A1' }) }],
        usage: { prompt: 120, completion: 18 },
      }),
      openaiCompletion({
        content: JSON.stringify({ reply: 'A1 ships tomorrow' }),
        usage: { prompt: 160, completion: 9 },
      }),
    );
    const lookup = tool({
      name: 'lookup_order',
      description: 'Looks an order up',
      input: z.object({ order: z.string() }),
      run: ({ order }) => ({ order, status: 'packed' }),
    });
    const agent = reactAgent({
      name: 'support',
      model: chatModel({ provider: 'openai', model: 'gpt-wire', baseURL: wire.baseURL, apiKey: 'sk-test' }),
      tools: [lookup],
      system: 'Help with orders.',
      output: z.object({ reply: z.string() }),
    });
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'support.in', partitions: 1 });
    const running = pipeline(
      { name: 'support', log, store: new MemoryStore(), commitIntervalMs: 1 },
      from('support.in', reactInputSchema).pipe(actor(agent), to('support.out')),
    );
    const answered = firstValueFrom(
      running.pipe(filter((c) => (c.value as { type: string }).type === 'answer')),
    );
    await running.start();
    await log.append('support.in', {
      key: 'customer-7',
      msgId: 'q1',
      payload: new TextEncoder().encode(JSON.stringify({ type: 'ask', question: 'Where is A1?' })),
    });
    await answered;
    await running.stop();

    const spans = exporter.getFinishedSpans();
    const named = (name: string) => spans.filter((s) => s.name === name);
    const [run] = named('invoke_agent support');
    expect(run?.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'support',
      'eddy.key': 'customer-7',
    });
    const chats = named('chat gpt-wire');
    expect(chats).toHaveLength(2);
    for (const chat of chats) {
      expect(parentOf(chat)).toBe(run?.spanContext().spanId);
      expect(chat.kind).toBe(2); // CLIENT
      expect(chat.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-wire',
        'gen_ai.agent.name': 'support',
      });
    }
    expect(
      chats.map((c) => [
        c.attributes['gen_ai.usage.input_tokens'],
        c.attributes['gen_ai.usage.output_tokens'],
      ]),
    ).toEqual([
      [120, 18],
      [160, 9],
    ]);
    expect(chats[0]?.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    const [toolSpan] = named('execute_tool lookup_order');
    expect(parentOf(toolSpan)).toBe(run?.spanContext().spanId);
    expect(toolSpan?.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'lookup_order',
      'gen_ai.tool.call.id': 'call_1',
    });
    expect(toolSpan?.status.code).not.toBe(2);
    const commits = named('eddy.commit').filter((s) => Number(s.attributes['eddy.commit.events']) > 0);
    expect(commits.length).toBeGreaterThan(0);
    expect(commits[0]?.attributes).toMatchObject({ 'eddy.stage': 'support', 'eddy.partition': 0 });
  });
});

function parentOf(span: ReadableSpan | undefined): string | undefined {
  return span?.parentSpanContext?.spanId;
}
