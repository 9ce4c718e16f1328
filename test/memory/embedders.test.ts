import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MissingApiKeyError, ModelCallError, ModelConfigError } from '../../agents/models/index.ts';
import { embedderFor } from '../../memory/embedders/embedder-for.ts';
import { hashingVector, offlineEmbedder } from '../../memory/embedders/offline-embedder.ts';
import { recordingLogger, recordingSink } from '../agents/models/support.ts';
import {
  bodyOf,
  openaiEmbeddings,
  openaiError,
  startEmbeddingsServer,
  type WireServer,
} from '../agents/wire/index.ts';

const KEY = 'sk-proj-embed-secret-1234567890';
const cosine = (a: readonly number[], b: readonly number[]) =>
  a.reduce((s, x, i) => s + x * (b[i] as number), 0);
const fake = (text: string) => [text.length, 1, 0, 0];

describe('offline embedder', () => {
  it('puts texts with the same words near each other and unrelated texts far apart', async () => {
    const e = offlineEmbedder({ dimensions: 256 });
    const [late, lateAgain, typo, other, chinese, chineseToo] = (
      await e.embed([
        'the delivery was late again',
        'late again: the delivery',
        'the delivary was late again',
        'great sound quality for the price',
        '快递太慢了，等了一个星期',
        '快递太慢，等了两个星期',
      ])
    ).vectors as number[][];
    expect(cosine(late as number[], lateAgain as number[])).toBeGreaterThan(0.75);
    expect(cosine(late as number[], typo as number[])).toBeGreaterThan(0.6);
    expect(cosine(late as number[], other as number[])).toBeLessThan(0.35);
    expect(cosine(chinese as number[], chineseToo as number[])).toBeGreaterThan(0.5);
    expect(Math.hypot(...(late as number[]))).toBeCloseTo(1, 10);
  });

  it('is deterministic and gives an empty text a vector too', () => {
    expect(hashingVector('Order 1234 ECONNRESET', 64)).toEqual(hashingVector('order 1234 econnreset', 64));
    expect(Math.hypot(...hashingVector('', 64))).toBeCloseTo(1, 10);
  });

  it('is announced loudly, and only when nothing else was configured', () => {
    const stderr = recordingSink();
    const logger = recordingLogger();
    const e = embedderFor(undefined, { fallback: 'offline', dimensions: 128, env: {}, stderr, logger });
    expect(e).toMatchObject({ id: 'offline:hashing-128', offline: true, dimensions: 128 });
    expect(stderr.text()).toContain('OFFLINE EMBEDDER "offline:hashing-128" IN USE');
    expect(logger.entries.some((l) => l.level === 'warn' && /OFFLINE EMBEDDER/.test(l.msg ?? ''))).toBe(true);
    expect(() => embedderFor(undefined, { env: {} })).toThrow(ModelConfigError);
    // Configured but without its key: an error, never the offline embedder.
    expect(() =>
      embedderFor('openai:text-embedding-3-small', { fallback: 'offline', env: {}, stderr }),
    ).toThrow(MissingApiKeyError);
    expect(() => embedderFor('anthropic:claude', { env: { ANTHROPIC_API_KEY: 'k' } })).toThrow(
      /no embeddings API/,
    );
    expect(() => embedderFor('ollama:some-new-model', { env: {} })).toThrow(/dimensions/);
    expect(embedderFor('offline:64', { stderr }).dimensions).toBe(64);
    // An unset variable passed through is no configuration.
    expect(embedderFor('  ', { fallback: 'offline', env: {}, stderr }).offline).toBe(true);
  });
});

describe('OpenAI-compatible embedder through the openai SDK', () => {
  let server: WireServer;
  beforeAll(async () => {
    server = await startEmbeddingsServer();
  });
  afterEach(() => {
    expect(server.pending).toBe(0);
    server.reset();
  });
  afterAll(() => server.close());

  const embedder = (
    extra: { maxBatch?: number; dimensions?: number; timeoutMs?: number } = {},
    logger = recordingLogger(),
  ) =>
    embedderFor(
      {
        provider: 'compatible',
        model: 'nomic-embed-text',
        baseURL: server.baseURL,
        apiKey: KEY,
        retryBaseDelayMs: 5,
        ...(extra.timeoutMs === undefined ? {} : { timeoutMs: extra.timeoutMs }),
      },
      { dimensions: extra.dimensions ?? 4, ...(extra.maxBatch ? { maxBatch: extra.maxBatch } : {}), logger },
    );

  it('embeds in batches, in order, and counts input tokens', async () => {
    server.reply(openaiEmbeddings(fake), openaiEmbeddings(fake));
    const got = await embedder({ maxBatch: 2 }).embed(['a', 'bb', 'ccc']);
    expect(got.vectors).toEqual([fake('a'), fake('bb'), fake('ccc')]);
    expect(got.inputTokens).toBe(3);
    expect(server.requests.map((r) => bodyOf(r).input)).toEqual([['a', 'bb'], ['ccc']]);
    expect(bodyOf(server.requests[0]).model).toBe('nomic-embed-text');
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('retries 429 and 500, then succeeds', async () => {
    server.reply(
      openaiError(429, 'slow down', { 'retry-after-ms': '5' }),
      openaiError(500, 'oops'),
      openaiEmbeddings(fake),
    );
    const logger = recordingLogger();
    expect((await embedder({}, logger).embed(['x'])).vectors).toEqual([fake('x')]);
    expect(server.requests).toHaveLength(3);
    expect(logger.entries.filter((l) => l.msg === 'model call failed; retrying')).toHaveLength(2);
  });

  it('fails with a typed error after a timeout, and on a response of the wrong dimension, without the key in it', async () => {
    server.reply({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const timedOut = await embedder({ timeoutMs: 50 })
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(ModelCallError);
    expect((timedOut as ModelCallError).kind).toBe('timeout');
    server.reset();
    server.reply(openaiEmbeddings(() => [1, 2, 3]));
    const short = await embedder()
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(short).toBeInstanceOf(ModelCallError);
    expect((short as ModelCallError).kind).toBe('bad_response');
    expect(String(short)).toMatch(/not 4 finite numbers/);
    server.reply(openaiError(401, `bad key ${KEY}`));
    const auth = await embedder()
      .embed(['x'])
      .catch((e: unknown) => e);
    expect((auth as ModelCallError).kind).toBe('auth');
    expect(String(auth)).not.toContain(KEY);
  });
});
