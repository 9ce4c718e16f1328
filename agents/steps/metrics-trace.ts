import { Counter, Histogram, type Registry } from 'prom-client';
import { costOf } from '../models/cost.ts';
import type { PriceTable } from '../models/prices.ts';
import type { TraceLine, TraceSink } from './trace.ts';

interface AgentMetrics {
  readonly modelCalls: Counter<'agent' | 'model' | 'outcome'>;
  readonly tokens: Counter<'agent' | 'model' | 'kind'>;
  readonly cost: Counter<'agent' | 'model'>;
  readonly modelSeconds: Histogram<'agent' | 'model'>;
  readonly toolCalls: Counter<'agent' | 'tool' | 'outcome'>;
}

const registered = new WeakMap<Registry, AgentMetrics>();

function metricsOf(registry: Registry): AgentMetrics {
  let m = registered.get(registry);
  if (m) return m;
  const registers = [registry];
  m = {
    modelCalls: new Counter({
      name: 'eddy_agent_model_calls_total',
      help: 'Model calls agents made (replays make none), by agent, model and outcome (ok, failed)',
      labelNames: ['agent', 'model', 'outcome'],
      registers,
    }),
    tokens: new Counter({
      name: 'eddy_agent_tokens_total',
      help: 'Tokens of agents’ model calls, by agent, model and kind (input, output)',
      labelNames: ['agent', 'model', 'kind'],
      registers,
    }),
    cost: new Counter({
      name: 'eddy_agent_cost_usd_total',
      help: 'What agents’ model calls cost at the list prices (or the given ones), by agent and model',
      labelNames: ['agent', 'model'],
      registers,
    }),
    modelSeconds: new Histogram({
      name: 'eddy_agent_model_call_seconds',
      help: 'How long agents’ model calls took',
      labelNames: ['agent', 'model'],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
      registers,
    }),
    toolCalls: new Counter({
      name: 'eddy_agent_tool_calls_total',
      help: 'Tool calls agents made, by agent, tool and outcome (ok, failed)',
      labelNames: ['agent', 'tool', 'outcome'],
      registers,
    }),
  };
  registered.set(registry, m);
  return m;
}

/**
 * A trace sink that counts into Prometheus: model calls, tokens, cost and
 * latency by agent and model, tool calls by agent and tool. Like every trace
 * it sees only the calls really made. Give it as an agent's `trace`, or
 * beside another one with `traces(...)`.
 *
 * @example
 * ```ts
 * reactAgent({ ..., trace: traces(metricsTrace(ctx.metrics), jsonLinesTrace(file)) });
 * ```
 */
export function metricsTrace(registry: Registry, options: { readonly prices?: PriceTable } = {}): TraceSink {
  const m = metricsOf(registry);
  return (line: TraceLine) => {
    if (line.kind === 'model') {
      const model = modelOf(line.answer);
      m.modelCalls.inc({ agent: line.agent, model, outcome: 'ok' });
      m.tokens.inc({ agent: line.agent, model, kind: 'input' }, line.inputTokens);
      m.tokens.inc({ agent: line.agent, model, kind: 'output' }, line.outputTokens);
      const usd = costOf(
        { inputTokens: line.inputTokens, outputTokens: line.outputTokens },
        model,
        options.prices,
      );
      if (usd !== undefined) m.cost.inc({ agent: line.agent, model }, usd);
      m.modelSeconds.observe({ agent: line.agent, model }, line.ms / 1000);
    } else if (line.kind === 'tool') {
      m.toolCalls.inc({ agent: line.agent, tool: line.tool, outcome: line.ok ? 'ok' : 'failed' });
    } else {
      m.modelCalls.inc({ agent: line.agent, model: 'unknown', outcome: 'failed' });
    }
  };
}

/** Several trace sinks as one. */
export function traces(...sinks: readonly TraceSink[]): TraceSink {
  return (line) => {
    for (const sink of sinks) sink(line);
  };
}

function modelOf(answer: unknown): string {
  const model = (answer as { model?: unknown } | null)?.model;
  return typeof model === 'string' ? model : 'unknown';
}
