import { describe, expect, it } from 'vitest';
import {
  chatModel,
  MissingApiKeyError,
  ModelCallError,
  ModelConfigError,
} from '../../../agents/models/index.ts';
import { ollamaBaseURL } from '../../../agents/models/providers.ts';
import { freePort } from '../../services/free-port.ts';
import { recordingLogger, recordingSink, rejection } from './support.ts';

const quiet = () => ({ logger: recordingLogger(), stderr: recordingSink() });

describe('chatModel specs and configs', () => {
  it('reads provider:model strings, model names with colons included', () => {
    const env = { ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: 'o', DASHSCOPE_API_KEY: 'd' };
    expect(chatModel('anthropic:claude-sonnet-4-5', { env }).id).toBe('anthropic:claude-sonnet-4-5');
    expect(chatModel('openai:gpt-4o-mini', { env }).id).toBe('openai:gpt-4o-mini');
    expect(chatModel('ollama:qwen3:8b', { env }).id).toBe('ollama:qwen3:8b');
    expect(chatModel('vllm:Qwen/Qwen3-8B', { env }).id).toBe('vllm:Qwen/Qwen3-8B');
    expect(chatModel('dashscope:qwen-plus', { env }).id).toBe('dashscope:qwen-plus');
    expect(chatModel({ provider: 'ollama', model: 'llama3.1:8b' }, { env }).id).toBe('ollama:llama3.1:8b');
    expect(chatModel('anthropic:claude-sonnet-4-5', { env }).offline).toBe(false);
  });

  it('refuses unknown providers, missing names and bad values with the fields to fix', () => {
    const env = { OPENAI_API_KEY: 'o' };
    const unknown = (() => {
      try {
        chatModel('antropic:claude', { env });
      } catch (e) {
        return e;
      }
    })();
    expect(unknown).toBeInstanceOf(ModelConfigError);
    expect((unknown as Error).message).toContain('unknown provider "antropic"');
    expect(() => chatModel('gpt-4o', { env })).toThrow(/names no provider; write provider:model/);
    expect(() => chatModel('openai:', { env })).toThrow(/model name after "openai:" is empty/);
    try {
      chatModel(
        { provider: 'openai', model: 'gpt-4o', temperature: 3, topP: 0, retries: -1, baseURL: 'ftp://x' },
        { env },
      );
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelConfigError);
      const problems = (e as ModelConfigError).problems;
      expect(problems.map((p) => p.split(':')[0])).toEqual(['baseURL', 'temperature', 'topP', 'retries']);
    }
  });

  it('never repeats a key in a config error', () => {
    const secret = 'sk-should-never-show-1234';
    try {
      chatModel({
        provider: 'openai',
        model: 'gpt-4o',
        apiKey: secret,
        temperature: 9,
        bogus: secret,
      } as never);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelConfigError);
      expect((e as Error).message).not.toContain(secret);
      expect((e as ModelConfigError).problems.join()).toMatch(/bogus/);
    }
  });

  it('names the missing key variable, for env keys and apiKeyEnv alike, even with the offline fallback', () => {
    const missing = (fn: () => unknown): MissingApiKeyError => {
      try {
        fn();
      } catch (e) {
        if (e instanceof MissingApiKeyError) return e;
        throw e;
      }
      throw new Error('expected MissingApiKeyError');
    };
    const a = missing(() => chatModel('anthropic:claude-x', { env: {}, fallback: 'offline', ...quiet() }));
    expect(a).toMatchObject({ envVar: 'ANTHROPIC_API_KEY', model: 'anthropic:claude-x' });
    expect(a.message).toBe(
      'anthropic:claude-x needs an API key: set ANTHROPIC_API_KEY or pass apiKey in the model config',
    );
    expect(missing(() => chatModel('openai:gpt-4o', { env: { OPENAI_API_KEY: '  ' } })).envVar).toBe(
      'OPENAI_API_KEY',
    );
    expect(missing(() => chatModel('dashscope:qwen-max', { env: {} })).envVar).toBe('DASHSCOPE_API_KEY');
    expect(
      missing(() =>
        chatModel({ model: 'compatible:m', baseURL: 'http://h/v1', apiKeyEnv: 'GATEWAY_KEY' }, { env: {} }),
      ).envVar,
    ).toBe('GATEWAY_KEY');
  });

  it('needs a base URL for a generic compatible endpoint', () => {
    expect(() => chatModel('compatible:some-model', { env: {} })).toThrow(
      /pass baseURL .* or set OPENAI_BASE_URL/,
    );
    expect(
      chatModel('compatible:some-model', { env: { OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1' } }).id,
    ).toBe('compatible:some-model');
  });

  it('turns OLLAMA_HOST forms into the OpenAI-compatible base URL', () => {
    expect(ollamaBaseURL('127.0.0.1')).toBe('http://127.0.0.1:11434/v1');
    expect(ollamaBaseURL('0.0.0.0:11500')).toBe('http://0.0.0.0:11500/v1');
    expect(ollamaBaseURL('http://ollama:11434/')).toBe('http://ollama:11434/v1');
    // :80 is http's default, so the URL drops it (and it must not become :11434).
    expect(ollamaBaseURL('http://ollama:80')).toBe('http://ollama/v1');
    expect(ollamaBaseURL('https://ollama.example.com/v1')).toBe('https://ollama.example.com/v1');
    expect(ollamaBaseURL('http://[::1]')).toBe('http://[::1]:11434/v1');
  });
});

describe('the offline fallback', () => {
  it('is picked, loudly, only when nothing at all is configured', async () => {
    const { logger, stderr } = quiet();
    const model = chatModel(undefined, { env: {}, fallback: 'offline', logger, stderr });
    expect(model).toMatchObject({ id: 'offline:fallback', offline: true });
    expect(stderr.text()).toContain('OFFLINE MODEL "offline:fallback" IN USE');
    expect(stderr.text()).toContain('no model, API key or endpoint is configured');
    expect(logger.entries).toEqual([
      {
        level: 'warn',
        obj: { model: 'offline:fallback', reason: 'no model, API key or endpoint is configured' },
        msg: expect.stringContaining('OFFLINE MODEL'),
      },
    ]);
    expect((await model.chat({ messages: [{ role: 'user', content: 'hello' }] })).content).toContain(
      'Offline model',
    );
  });

  it('writes the warning as a JSON line to stderr when no logger is given', () => {
    const stderr = recordingSink();
    chatModel('offline', { stderr });
    const line = stderr
      .text()
      .split('\n')
      .find((l) => l.startsWith('{'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'warn', model: 'offline:fallback' });
  });

  it('is an error, not a fallback, without fallback: offline', () => {
    expect(() => chatModel(undefined, { env: {} })).toThrow(ModelConfigError);
    expect(() => chatModel('', { env: {} })).toThrow(/fallback: 'offline'/);
  });

  it('is never used when a key or endpoint is set but no model chosen', () => {
    for (const name of ['ANTHROPIC_API_KEY', 'OPENAI_BASE_URL', 'OLLAMA_HOST', 'DASHSCOPE_API_KEY']) {
      const secret = `value-of-${name}-secret`;
      try {
        chatModel(undefined, { env: { [name]: secret }, fallback: 'offline', ...quiet() });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(ModelConfigError);
        expect((e as Error).message).toContain(`${name} is set`);
        expect((e as Error).message).not.toContain(secret);
      }
    }
  });

  it('reads EDDY_MODEL when no spec is given', () => {
    expect(chatModel(undefined, { env: { EDDY_MODEL: 'ollama:llama3.2' }, fallback: 'offline' }).id).toBe(
      'ollama:llama3.2',
    );
  });

  it('never replaces a configured model that is broken: the call fails', async () => {
    const port = await freePort();
    const model = chatModel(
      { model: 'ollama:llama3.2', baseURL: `http://127.0.0.1:${port}/v1`, retries: 1, retryBaseDelayMs: 5 },
      { env: {}, fallback: 'offline', ...quiet() },
    );
    expect(model.offline).toBe(false);
    const error = await rejection(model.chat({ messages: [{ role: 'user', content: 'hi' }] }));
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error).toMatchObject({ kind: 'connection', attempts: 2 });
    expect((error as Error).message).toContain(`http://127.0.0.1:${port}`);
  });
});
