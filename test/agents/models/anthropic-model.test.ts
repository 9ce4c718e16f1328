import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type ChatMessage,
  type ChatRequest,
  chatModel,
  ModelCallError,
  type ModelConfig,
  parseToolArguments,
  StructuredOutputError,
  structured,
} from '../../../agents/models/index.ts';
import {
  anthropicError,
  anthropicMessage,
  bodyOf,
  startAnthropicServer,
  type WireServer,
} from '../wire/index.ts';
import { recordingLogger, rejection } from './support.ts';

const KEY = 'sk-ant-wire-secret-0123456789';
const weather = {
  name: 'weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('Anthropic model over the Messages API', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startAnthropicServer();
  });
  afterEach(() => {
    expect(server.pending).toBe(0);
    server.reset();
  });
  afterAll(() => server.close());

  const model = (extra: Partial<ModelConfig> = {}, logger = recordingLogger()) =>
    chatModel(
      {
        provider: 'anthropic',
        model: 'claude-wire',
        baseURL: server.baseURL,
        apiKey: KEY,
        retryBaseDelayMs: 5,
        retryMaxDelayMs: 2_000,
        ...extra,
      },
      { logger },
    );

  it('sends system, messages, tools and sampling parameters, and reads text and usage', async () => {
    server.reply(anthropicMessage({ text: 'Hello!', usage: { input: 12, output: 3 } }));
    const answer = await model({ temperature: 0.3, topP: 0.9, topK: 40, maxTokens: 321, stop: ['END'] }).chat(
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        tools: [weather],
      },
    );

    expect(answer).toEqual({
      content: 'Hello!',
      toolCalls: [],
      stopReason: 'end',
      usage: { inputTokens: 12, outputTokens: 3 },
      model: 'anthropic:claude-wire',
    });
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request?.headers['x-stainless-retry-count']).toBe('0');
    expect(bodyOf(request)).toEqual({
      model: 'claude-wire',
      max_tokens: 321,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      system: 'Be brief.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      tools: [
        { name: 'weather', description: 'Current weather in a city', input_schema: weather.parameters },
      ],
    });
  });

  it('lets request parameters override the configured ones and defaults max_tokens', async () => {
    server.reply(anthropicMessage({ text: 'ok' }));
    await model({ temperature: 0.7 }).chat({
      messages: [{ role: 'user', content: 'Hi' }],
      parameters: { temperature: 0, topK: 5 },
    });
    const body = bodyOf(server.requests[0]);
    expect(body.temperature).toBe(0);
    expect(body.top_k).toBe(5);
    expect(body.max_tokens).toBe(4096);
    expect(body).not.toHaveProperty('top_p');
    expect(body).not.toHaveProperty('tools');
    expect(body).not.toHaveProperty('system');
  });

  it('reads parallel tool calls and sends their results back in one user turn', async () => {
    server.reply(
      anthropicMessage({
        text: 'Checking both.',
        toolUses: [
          { id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          { id: 'toolu_2', name: 'weather', input: { city: 'Oslo' } },
        ],
        usage: { input: 20, output: 9 },
      }),
      anthropicMessage({ text: 'Paris is warmer.' }),
    );
    const m = model();
    const question: ChatMessage = { role: 'user', content: 'Paris or Oslo, which is warmer?' };
    const first = await m.chat({ messages: [question], tools: [weather] });
    expect(first.stopReason).toBe('tool_calls');
    expect(first.content).toBe('Checking both.');
    expect(first.toolCalls).toEqual([
      { id: 'toolu_1', name: 'weather', arguments: '{"city":"Paris"}' },
      { id: 'toolu_2', name: 'weather', arguments: '{"city":"Oslo"}' },
    ]);

    const second = await m.chat({
      messages: [
        question,
        { role: 'assistant', content: first.content, toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'toolu_1', name: 'weather', content: '18C' },
        { role: 'tool', toolCallId: 'toolu_2', name: 'weather', content: 'station offline', isError: true },
      ],
      tools: [weather],
    });
    expect(second.content).toBe('Paris is warmer.');
    expect(bodyOf(server.requests[1]).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Paris or Oslo, which is warmer?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'toolu_1', name: 'weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'weather', input: { city: 'Oslo' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: '18C' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'station offline', is_error: true },
        ],
      },
    ]);
  });

  it('passes tool input that is not an object through raw, for the agent to answer as a tool error', async () => {
    server.reply(
      anthropicMessage({ toolUses: [{ id: 'toolu_x', name: 'weather', input: '{"city": "Par' }] }),
    );
    const answer = await model().chat({
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [weather],
    });
    const call = answer.toolCalls[0];
    expect(call).toEqual({ id: 'toolu_x', name: 'weather', arguments: '{"city": "Par' });
    const parsed = parseToolArguments(
      call ?? { id: '', name: '', arguments: '' },
      z.object({ city: z.string() }),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toBe('invalid_json');
  });

  it('keeps thinking blocks and inline <think> text as reasoning, apart from the answer', async () => {
    server.reply(
      anthropicMessage({ thinking: 'Plan: greet back.', text: '<think>be polite</think>\nHello there.' }),
    );
    const answer = await model().chat({ messages: [{ role: 'user', content: 'Hello' }] });
    expect(answer.content).toBe('Hello there.');
    expect(answer.reasoning).toBe('Plan: greet back.\n\nbe polite');
  });

  it('asks for structured output with output_config and unwraps fenced JSON', async () => {
    server.reply(anthropicMessage({ text: 'Here you go:\n```json\n{"n": 1}\n```' }));
    const schema = { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] };
    const answer = await model().chat({
      messages: [{ role: 'user', content: 'n?' }],
      responseFormat: { name: 'count', schema },
    });
    expect(answer.content).toBe('{"n": 1}');
    expect(bodyOf(server.requests[0]).output_config).toEqual({ format: { type: 'json_schema', schema } });
  });

  it('repairs a structured answer once with the validation error, then gives up with a typed error', async () => {
    const schema = z.object({ n: z.number() });
    server.reply(anthropicMessage({ text: '{"n": "one"}' }), anthropicMessage({ text: '{"n": 2}' }));
    const request: ChatRequest = { messages: [{ role: 'user', content: 'n?' }] };
    const result = await structured(model(), request, schema);
    expect(result.value).toEqual({ n: 2 });
    expect(result.responses).toHaveLength(2);
    const repair = bodyOf(server.requests[1]).messages as { role: string; content: { text: string }[] }[];
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: [{ type: 'text', text: '{"n": "one"}' }] });
    expect(repair.at(-1)?.content[0]?.text).toMatch(/^Your answer does not match .*n: .*number/);

    server.reset();
    server.reply(anthropicMessage({ text: 'no idea' }), anthropicMessage({ text: '{"n": null}' }));
    const error = await rejection(structured(model(), request, schema));
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect((error as StructuredOutputError).attempts).toBe(2);
    expect((error as StructuredOutputError).content).toBe('{"n": null}');
    expect(server.requests).toHaveLength(2);
  });

  it('waits as long as retry-after says after a 429, retrying itself (the SDK does not)', async () => {
    const logger = recordingLogger();
    server.reply(
      anthropicError(429, 'Number of requests has exceeded your rate limit', { 'retry-after': '1' }),
    );
    server.reply(anthropicMessage({ text: 'finally' }));
    const answer = await model({}, logger).chat({ messages: [{ role: 'user', content: 'Hi' }] });
    expect(answer.content).toBe('finally');
    const [first, second] = server.requests;
    expect(second && first ? second.receivedAt - first.receivedAt : 0).toBeGreaterThanOrEqual(990);
    expect(server.requests.map((r) => r.headers['x-stainless-retry-count'])).toEqual(['0', '0']);
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        obj: expect.objectContaining({
          model: 'anthropic:claude-wire',
          attempt: 1,
          kind: 'rate_limited',
          status: 429,
        }),
        msg: 'model call failed; retrying',
      },
    ]);
  });

  it('retries 500 and 529 and throws a typed error after the last attempt', async () => {
    server.reply(anthropicError(529, 'Overloaded'), anthropicMessage({ text: 'recovered' }));
    expect((await model().chat({ messages: [{ role: 'user', content: 'Hi' }] })).content).toBe('recovered');

    server.reset();
    server.reply(anthropicError(500, 'boom'), anthropicError(500, 'boom'), anthropicError(500, 'boom'));
    const error = await rejection(
      model({ retries: 2 }).chat({ messages: [{ role: 'user', content: 'Hi' }] }),
    );
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ kind: 'server', status: 500, attempts: 3, model: 'anthropic:claude-wire' });
    expect((error as Error).message).toContain('after 3 attempts');
    expect(server.requests).toHaveLength(3);
  });

  it('times out on a server that never answers, retries, then throws a timeout error', async () => {
    server.reply({ kind: 'hang' }, { kind: 'hang' });
    const error = await rejection(
      model({ timeoutMs: 200, retries: 1 }).chat({ messages: [{ role: 'user', content: 'Hi' }] }),
    );
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ kind: 'timeout', attempts: 2 });
    expect((error as Error).message).toContain('200 ms');
    expect(server.requests).toHaveLength(2);
  });

  it('retries a dropped connection', async () => {
    server.reply({ kind: 'drop' }, anthropicMessage({ text: 'back' }));
    expect((await model().chat({ messages: [{ role: 'user', content: 'Hi' }] })).content).toBe('back');
    expect(server.requests).toHaveLength(2);
  });

  it('does not retry a refused key, names the env var, and never shows the key', async () => {
    const logger = recordingLogger();
    server.reply(anthropicError(401, `invalid x-api-key: ${KEY}`));
    const m = chatModel('anthropic:claude-wire', {
      env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: server.baseURL },
      logger,
    });
    const error = await rejection(m.chat({ messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ kind: 'auth', status: 401, attempts: 1 });
    expect((error as Error).message).toContain('ANTHROPIC_API_KEY');
    expect((error as Error).message).toContain('invalid x-api-key: ***');
    expect(JSON.stringify(error)).not.toContain(KEY);
    expect((error as Error).message).not.toContain(KEY);
    expect(logger.text()).not.toContain(KEY);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('rejects with the signal reason when the caller aborts, without retrying', async () => {
    server.reply({ kind: 'hang' });
    const controller = new AbortController();
    const call = model().chat({ messages: [{ role: 'user', content: 'Hi' }], signal: controller.signal });
    setTimeout(() => controller.abort(new Error('caller gave up')), 50);
    const error = await rejection(call);
    expect((error as Error).message).toBe('caller gave up');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a 200 that is not a Messages response as bad_response, without retrying', async () => {
    server.reply({ kind: 'json', body: { hello: 'proxy page' } });
    const error = await rejection(model().chat({ messages: [{ role: 'user', content: 'Hi' }] }));
    expect(error).toMatchObject({ kind: 'bad_response', attempts: 1 });
  });
});
