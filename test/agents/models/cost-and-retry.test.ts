import { describe, expect, it } from 'vitest';
import { costOf, defaultRetryPolicy } from '../../../agents/models/index.ts';
import { backoffDelay } from '../../../agents/models/retry.ts';
import { retryAfterMs } from '../../../agents/models/retry-after.ts';

const million = { inputTokens: 1_000_000, outputTokens: 1_000_000 };

describe('costOf', () => {
  it('prices a call from the built-in table, dated snapshots included', () => {
    expect(costOf({ inputTokens: 2_000, outputTokens: 1_000 }, 'anthropic:claude-sonnet-4-5')).toBeCloseTo(
      0.021,
      10,
    );
    expect(costOf(million, 'anthropic:claude-sonnet-4-5-20250929')).toBe(18);
    expect(costOf(million, 'openai:gpt-4o-mini-2024-07-18')).toBeCloseTo(0.75, 10);
    expect(costOf(million, 'gpt-4o-mini')).toBeCloseTo(0.75, 10);
  });

  it('does not take a bigger model for its prefix', () => {
    expect(costOf(million, 'openai:gpt-5-pro')).toBeUndefined();
    expect(costOf(million, 'openai:gpt-4o-mini-tts')).toBeUndefined();
  });

  it('costs nothing on local servers and is undefined for unknown models', () => {
    expect(costOf(million, 'ollama:qwen3:8b')).toBe(0);
    expect(costOf(million, 'offline:fallback')).toBe(0);
    expect(costOf(million, 'dashscope:qwen-plus')).toBeUndefined();
  });

  it('lets the caller add and override prices', () => {
    const prices = {
      'dashscope:qwen-plus': { inputPerMillion: 0.4, outputPerMillion: 1.2 },
      'claude-sonnet-4-5': { inputPerMillion: 1, outputPerMillion: 1 },
      'ollama:*': { inputPerMillion: 0.01, outputPerMillion: 0.01 },
    };
    expect(costOf(million, 'dashscope:qwen-plus', prices)).toBeCloseTo(1.6, 10);
    expect(costOf(million, 'anthropic:claude-sonnet-4-5', prices)).toBe(2);
    expect(costOf(million, 'ollama:llama3', prices)).toBeCloseTo(0.02, 10);
  });
});

describe('retry-after and backoff', () => {
  it('reads retry-after-ms, retry-after seconds and HTTP dates', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }), now)).toBe(3_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Tue, 31 Dec 2024 00:00:00 GMT' }), now)).toBe(0);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });

  it('doubles with equal jitter, caps, and honours the server within the cap', () => {
    const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1_000 };
    const server = { kind: 'server', status: 500, detail: '' } as const;
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, server, () => 0))).toEqual([
      50, 100, 200, 400, 500,
    ]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, server, () => 1))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    const limited = { kind: 'rate_limited', status: 429, detail: '', retryAfterMs: 700 } as const;
    expect(backoffDelay(policy, 1, limited, () => 0)).toBe(700);
    expect(backoffDelay(policy, 1, limited, () => 1)).toBe(770);
    expect(backoffDelay(policy, 1, { ...limited, retryAfterMs: 60_000 }, () => 0)).toBe(1_000);
  });
});
