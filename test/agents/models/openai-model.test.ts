import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type ChatMessage,
  chatModel,
  ModelCallError,
  type ModelConfig,
  parseToolArguments,
  structured,
} from '../../../agents/models/index.ts';
import { bodyOf, openaiCompletion, openaiError, startOpenAIServer, type WireServer } from '../wire/index.ts';
import { recordingLogger, rejection } from './support.ts';

const KEY = 'sk-proj-wire-secret-9876543210';
const weather = {
  name: 'weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};
const hi: readonly ChatMessage[] = [{ role: 'user', content: 'Hi' }];

describe('OpenAI model over Chat Completions', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterEach(() => {
    expect(server.pending).toBe(0);
    server.reset();
  });
  afterAll(() => server.close());

  const model = (extra: Partial<ModelConfig> = {}, logger = recordingLogger()) =>
    chatModel(
      {
        provider: 'openai',
        model: 'gpt-wire',
        baseURL: server.baseURL,
        apiKey: KEY,
        retryBaseDelayMs: 5,
        retryMaxDelayMs: 2_000,
        ...extra,
      },
      { logger },
    );

  it('sends the OpenAI dialect (max_completion_tokens, no top_k) and reads text and usage', async () => {
    server.reply(openaiCompletion({ content: 'Hello!', usage: { prompt: 11, completion: 2 } }));
    const answer = await model({ temperature: 0.2, topP: 0.8, topK: 40, maxTokens: 99, stop: ['END'] }).chat({
      messages: [{ role: 'system', content: 'Be brief.' }, ...hi],
      tools: [weather],
    });
    expect(answer).toEqual({
      content: 'Hello!',
      toolCalls: [],
      stopReason: 'end',
      usage: { inputTokens: 11, outputTokens: 2 },
      model: 'openai:gpt-wire',
    });
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.headers['x-stainless-retry-count']).toBe('0');
    expect(bodyOf(request)).toEqual({
      model: 'gpt-wire',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      tools: [{ type: 'function', function: weather }],
      temperature: 0.2,
      top_p: 0.8,
      max_completion_tokens: 99,
      stop: ['END'],
    });
  });

  it('reads parallel tool calls, malformed arguments raw, and sends results back as tool messages', async () => {
    server.reply(
      openaiCompletion({
        toolCalls: [
          { id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
          { id: 'call_b', name: 'weather', arguments: '{"city": "Os' },
        ],
        usage: { prompt: 30, completion: 12 },
      }),
      openaiCompletion({ content: 'Paris: 18C.' }),
    );
    const m = model();
    const first = await m.chat({ messages: hi, tools: [weather] });
    expect(first).toMatchObject({
      content: '',
      stopReason: 'tool_calls',
      toolCalls: [
        { id: 'call_a', name: 'weather', arguments: '{"city":"Paris"}' },
        { id: 'call_b', name: 'weather', arguments: '{"city": "Os' },
      ],
    });
    const city = z.object({ city: z.string() });
    const [good, bad] = first.toolCalls;
    expect(good && parseToolArguments(good, city)).toEqual({ ok: true, value: { city: 'Paris' } });
    const broken = bad && parseToolArguments(bad, city);
    expect(broken).toMatchObject({ ok: false, reason: 'invalid_json' });

    await m.chat({
      messages: [
        ...hi,
        { role: 'assistant', content: '', toolCalls: first.toolCalls },
        { role: 'tool', toolCallId: 'call_a', name: 'weather', content: '18C' },
        {
          role: 'tool',
          toolCallId: 'call_b',
          name: 'weather',
          content: broken && !broken.ok ? broken.message : '',
          isError: true,
        },
      ],
      tools: [weather],
    });
    expect(bodyOf(server.requests[1]).messages).toEqual([
      { role: 'user', content: 'Hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_b', type: 'function', function: { name: 'weather', arguments: '{"city": "Os' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_a', content: '18C' },
      {
        role: 'tool',
        tool_call_id: 'call_b',
        content: expect.stringMatching(/^Error: the arguments of tool "weather" are not valid JSON/),
      },
    ]);
  });

  it('takes reasoning from reasoning_content and <think> blocks, the answer from what is left', async () => {
    server.reply(
      openaiCompletion({ content: '<think>add them</think>\n\nIt is 4.', reasoningContent: '2 and 2' }),
      openaiCompletion({ content: 'template put the opening tag in the prompt</think>Four.' }),
    );
    const m = model();
    expect(await m.chat({ messages: hi })).toMatchObject({
      content: 'It is 4.',
      reasoning: '2 and 2\n\nadd them',
    });
    expect(await m.chat({ messages: hi })).toMatchObject({
      content: 'Four.',
      reasoning: 'template put the opening tag in the prompt',
    });
  });

  it('asks for json_schema structured output and validates it with zod', async () => {
    server.reply(openaiCompletion({ content: '```json\n{"sentiment": "positive", "score": 0.9}\n```' }));
    const schema = z.object({ sentiment: z.enum(['positive', 'negative']), score: z.number().min(0).max(1) });
    const result = await structured(model(), { messages: hi, name: 'review sentiment' }, schema);
    expect(result.value).toEqual({ sentiment: 'positive', score: 0.9 });
    expect(bodyOf(server.requests[0]).response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'review_sentiment', schema: expect.objectContaining({ type: 'object' }) },
    });
  });

  it('honours retry-after on 429 and retries 503 until the last attempt', async () => {
    const logger = recordingLogger();
    server.reply(openaiError(429, 'Rate limit reached for gpt-wire', { 'retry-after': '1' }));
    server.reply(openaiCompletion({ content: 'ok' }));
    expect((await model({}, logger).chat({ messages: hi })).content).toBe('ok');
    const [first, second] = server.requests;
    expect(second && first ? second.receivedAt - first.receivedAt : 0).toBeGreaterThanOrEqual(990);
    expect(logger.entries[0]?.obj).toMatchObject({ kind: 'rate_limited', status: 429, attempt: 1 });

    server.reset();
    server.reply(openaiError(503, 'unavailable'), openaiError(503, 'unavailable'));
    const error = await rejection(model({ retries: 1 }).chat({ messages: hi }));
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ kind: 'server', status: 503, attempts: 2 });
  });

  it('gives up on a rate limit after the last attempt with a rate_limited error', async () => {
    server.reply(openaiError(429, 'slow down', { 'retry-after-ms': '10' }), openaiError(429, 'slow down'));
    const error = await rejection(model({ retries: 1 }).chat({ messages: hi }));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, attempts: 2 });
    expect((error as Error).message).toContain('rate limited');
  });

  it('times out on a server that never answers', async () => {
    server.reply({ kind: 'hang' });
    const error = await rejection(model({ timeoutMs: 150, retries: 0 }).chat({ messages: hi }));
    expect(error).toMatchObject({ kind: 'timeout', attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  it('fails at once on a refused key or request, naming the env var and hiding the key', async () => {
    const logger = recordingLogger();
    server.reply(openaiError(401, `Incorrect API key provided: ${KEY}.`));
    const m = chatModel('openai:gpt-wire', {
      env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: server.baseURL },
      logger,
    });
    const auth = await rejection(m.chat({ messages: hi }));
    expect(auth).toMatchObject({ kind: 'auth', status: 401, attempts: 1 });
    expect((auth as Error).message).toContain('OPENAI_API_KEY');
    expect((auth as Error).message).not.toContain(KEY);
    expect(logger.text()).not.toContain(KEY);

    server.reply(openaiError(400, "Unsupported parameter: 'temperature'"));
    const rejected = await rejection(model().chat({ messages: hi }));
    expect(rejected).toMatchObject({ kind: 'rejected', status: 400, attempts: 1 });
    expect(server.requests).toHaveLength(2);
  });

  it('reports a 200 that is not a completion as bad_response', async () => {
    server.reply({ kind: 'json', body: { choices: [] } });
    expect(await rejection(model().chat({ messages: hi }))).toMatchObject({
      kind: 'bad_response',
      attempts: 1,
    });
  });
});

describe('OpenAI-compatible endpoints', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startOpenAIServer();
  });
  afterEach(() => {
    expect(server.pending).toBe(0);
    server.reset();
  });
  afterAll(() => server.close());

  it('reaches Ollama at OLLAMA_HOST with the compatible dialect (max_tokens, top_k) and no key needed', async () => {
    server.reply(openaiCompletion({ content: 'hi from ollama' }));
    const m = chatModel(
      { model: 'ollama:qwen3:8b', temperature: 0.1, topK: 20, maxTokens: 64 },
      {
        env: { OLLAMA_HOST: server.origin.replace('http://', '') },
      },
    );
    const answer = await m.chat({ messages: hi });
    expect(m.id).toBe('ollama:qwen3:8b');
    expect(answer).toMatchObject({ content: 'hi from ollama', model: 'ollama:qwen3:8b' });
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer ollama');
    expect(bodyOf(request)).toEqual({
      model: 'qwen3:8b',
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.1,
      top_k: 20,
      max_tokens: 64,
    });
  });

  it('reads Ollama-style tool calls: object arguments, no id, finish_reason stop', async () => {
    server.reply(
      openaiCompletion({
        toolCalls: [
          { id: null, name: 'weather', arguments: { city: 'Lyon' } },
          { id: '', name: 'weather', arguments: '{"city":"Nice"}' },
        ],
        finishReason: 'stop',
      }),
    );
    const m = chatModel('ollama:llama3.1', { env: { OLLAMA_HOST: server.origin } });
    const answer = await m.chat({ messages: hi, tools: [weather] });
    expect(answer.stopReason).toBe('tool_calls');
    expect(answer.toolCalls).toEqual([
      { id: 'call_0', name: 'weather', arguments: '{"city":"Lyon"}' },
      { id: 'call_1', name: 'weather', arguments: '{"city":"Nice"}' },
    ]);
  });

  it('reaches DashScope compatible mode with DASHSCOPE_API_KEY and DASHSCOPE_BASE_URL', async () => {
    server.reply(openaiCompletion({ content: '你好' }));
    const m = chatModel('dashscope:qwen-plus', {
      env: { DASHSCOPE_API_KEY: 'sk-dashscope-wire', DASHSCOPE_BASE_URL: server.baseURL },
    });
    expect((await m.chat({ messages: hi, parameters: { topK: 3 } })).content).toBe('你好');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer sk-dashscope-wire');
    expect(bodyOf(server.requests[0]).top_k).toBe(3);
  });

  it('reaches any compatible server by base URL (vLLM style), key optional', async () => {
    server.reply(openaiCompletion({ content: 'from vllm' }));
    const m = chatModel(
      { provider: 'compatible', model: 'Qwen/Qwen3-8B', baseURL: server.baseURL },
      { env: {} },
    );
    expect((await m.chat({ messages: hi })).content).toBe('from vllm');
    expect(bodyOf(server.requests[0]).model).toBe('Qwen/Qwen3-8B');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer no-key');
  });
});
