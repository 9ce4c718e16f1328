import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type ChatRequest,
  jsonSchemaOf,
  offlineModel,
  parseToolArguments,
  sampleJsonSchema,
  structured,
} from '../../../agents/models/index.ts';
import { recordingLogger, recordingSink } from './support.ts';

const quiet = () => ({ logger: recordingLogger(), stderr: recordingSink() });

const weatherInput = z.object({ city: z.string().min(2), days: z.int().min(1).max(7) });
const tools = [
  {
    name: 'search_orders',
    description: 'Find orders of a customer',
    parameters: jsonSchemaOf(z.object({ customer: z.string() })),
  },
  {
    name: 'weather_forecast',
    description: 'Weather forecast for a city',
    parameters: jsonSchemaOf(weatherInput),
  },
];

describe('offline model', () => {
  it('announces itself on creation with a banner and a warn line', () => {
    const { logger, stderr } = quiet();
    const model = offlineModel({ name: 'demo', reason: 'scenario without keys', logger, stderr });
    expect(model).toMatchObject({ id: 'offline:demo', offline: true });
    expect(stderr.text()).toMatch(
      /!{10,}\n! eddy: OFFLINE MODEL "offline:demo" IN USE \(scenario without keys\)/,
    );
    expect(logger.entries.map((e) => e.level)).toEqual(['warn']);
  });

  it('is deterministic: the same request gives the same answer, ids included', async () => {
    const a = offlineModel(quiet());
    const b = offlineModel(quiet());
    const request: ChatRequest = {
      messages: [{ role: 'user', content: 'weather in Paris for 3 days?' }],
      tools,
    };
    const first = await a.chat(request);
    expect(await a.chat(request)).toEqual(first);
    expect(await b.chat(structuredClone(request))).toEqual(first);
    const other = await a.chat({ ...request, messages: [{ role: 'user', content: 'weather in Rome?' }] });
    expect(other.toolCalls[0]?.id).not.toBe(first.toolCalls[0]?.id);
  });

  it('calls the best-matching tool with schema-valid arguments, then answers with its result', async () => {
    const model = offlineModel(quiet());
    const question = { role: 'user', content: 'What is the weather forecast in Paris?' } as const;
    const call = await model.chat({ messages: [question], tools });
    expect(call.stopReason).toBe('tool_calls');
    expect(call.content).toBe('');
    const [toolCall] = call.toolCalls;
    expect(toolCall?.name).toBe('weather_forecast');
    const args = toolCall && parseToolArguments(toolCall, weatherInput);
    expect(args?.ok).toBe(true);

    const answer = await model.chat({
      messages: [
        question,
        { role: 'assistant', content: '', toolCalls: call.toolCalls },
        { role: 'tool', toolCallId: toolCall?.id ?? '', name: 'weather_forecast', content: 'sunny, 24C' },
      ],
      tools,
    });
    expect(answer.toolCalls).toEqual([]);
    expect(answer.stopReason).toBe('end');
    expect(answer.content).toContain('weather_forecast answered: sunny, 24C');
    expect(answer.usage.inputTokens).toBeGreaterThan(call.usage.inputTokens);
  });

  it('answers structured requests with objects that pass the zod schema', async () => {
    const model = offlineModel(quiet());
    const schemas = [
      z.object({ sentiment: z.enum(['positive', 'neutral', 'negative']), score: z.number().min(0).max(1) }),
      z.object({
        id: z.uuid(),
        email: z.email(),
        at: z.iso.datetime(),
        day: z.iso.date(),
        site: z.url(),
        count: z.int().positive(),
        ratio: z.number().gt(0).lt(1),
        step: z.number().multipleOf(5).min(12),
        tags: z.array(z.string().min(3).max(5)).min(2),
        pair: z.tuple([z.string(), z.number()]),
        note: z.string().optional(),
        maybe: z.string().nullable(),
        kind: z.literal('ticket'),
        nested: z.object({ ok: z.boolean(), level: z.union([z.literal(1), z.literal(2)]) }),
        extra: z.record(z.string(), z.number()),
        code: z.string().regex(/^[a-z]+$/),
      }),
      z.discriminatedUnion('type', [
        z.object({ type: z.literal('refund'), amount: z.number().nonnegative() }),
        z.object({ type: z.literal('reply'), text: z.string() }),
      ]),
      z.array(z.object({ topic: z.string(), mentions: z.int().min(1) })).min(3),
    ];
    for (const schema of schemas) {
      const result = await structured(
        model,
        { messages: [{ role: 'user', content: 'Great product!' }] },
        schema,
      );
      expect(schema.safeParse(result.value).success).toBe(true);
      expect(result.responses).toHaveLength(1);
    }
  });

  it('samples recursive schemas without running away', () => {
    type Node = { name: string; children: Node[] };
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), children: z.array(node) }));
    const value = sampleJsonSchema(jsonSchemaOf(node), 'root');
    expect(node.safeParse(value).success).toBe(true);
  });

  it('finds a JSON Schema written in the prompt when no responseFormat is given', async () => {
    const model = offlineModel(quiet());
    const schema = z.object({ answer: z.string(), confidence: z.number().min(0).max(1) });
    const answer = await model.chat({
      messages: [
        {
          role: 'system',
          content: `Give your final answer as one JSON value matching this JSON Schema, with no other text: ${JSON.stringify(z.toJSONSchema(schema))}`,
        },
        { role: 'user', content: 'Is it up?' },
      ],
    });
    expect(schema.safeParse(JSON.parse(answer.content)).success).toBe(true);
  });

  it('honours an aborted signal', async () => {
    const model = offlineModel(quiet());
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(model.chat({ messages: [], signal: controller.signal })).rejects.toThrow('stop');
  });
});
