import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { metricsTrace, traces } from '../../../agents/steps/metrics-trace.ts';
import type { TraceLine } from '../../../agents/steps/trace.ts';

describe('metricsTrace: agents’ calls as Prometheus metrics', () => {
  it('counts model calls, tokens, cost and latency by agent and model, and tool calls by outcome', async () => {
    const registry = new Registry();
    const seen: TraceLine[] = [];
    const sink = traces(metricsTrace(registry), (l) => seen.push(l));
    const model = (inputTokens: number, outputTokens: number): TraceLine => ({
      kind: 'model',
      agent: 'support',
      key: 'k1',
      runId: 'r1',
      step: 1,
      stepId: 's',
      messages: [],
      answer: { model: 'openai:gpt-4o-mini', content: 'hi' },
      ms: 420,
      inputTokens,
      outputTokens,
    });
    sink(model(1_000, 200));
    sink(model(3_000, 800));
    sink({
      kind: 'tool',
      agent: 'support',
      key: 'k1',
      runId: 'r1',
      tool: 'refund',
      stepId: 's',
      arguments: '{}',
      ok: false,
      result: null,
      ms: 5,
    });
    sink({ kind: 'error', agent: 'support', key: 'k1', runId: 'r1', error: 'ModelCallError: 503' });
    const text = await registry.metrics();
    expect(text).toContain(
      'eddy_agent_model_calls_total{agent="support",model="openai:gpt-4o-mini",outcome="ok"} 2',
    );
    expect(text).toContain(
      'eddy_agent_model_calls_total{agent="support",model="unknown",outcome="failed"} 1',
    );
    expect(text).toContain(
      'eddy_agent_tokens_total{agent="support",model="openai:gpt-4o-mini",kind="input"} 4000',
    );
    expect(text).toContain(
      'eddy_agent_tokens_total{agent="support",model="openai:gpt-4o-mini",kind="output"} 1000',
    );
    expect(text).toMatch(/eddy_agent_cost_usd_total\{agent="support",model="openai:gpt-4o-mini"\} 0\.00\d+/);
    expect(text).toContain(
      'eddy_agent_model_call_seconds_count{agent="support",model="openai:gpt-4o-mini"} 2',
    );
    expect(text).toContain('eddy_agent_tool_calls_total{agent="support",tool="refund",outcome="failed"} 1');
    expect(seen).toHaveLength(4);
    // Two sinks on one registry share its metrics instead of registering them twice.
    expect(() => metricsTrace(registry)).not.toThrow();
  });
});
