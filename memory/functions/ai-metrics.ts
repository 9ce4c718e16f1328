import { Counter, type Registry } from 'prom-client';
import { perRegistry } from '../../core/metrics/per-registry.ts';

/** Model calls, tokens and cost of AI functions, labelled by function and model: what a cost dashboard graphs. */
export class AiMetrics {
  static of = perRegistry((registry) => new AiMetrics(registry));
  readonly calls: Counter<'function' | 'model' | 'outcome'>;
  readonly tokens: Counter<'function' | 'model' | 'direction'>;
  readonly cost: Counter<'function' | 'model'>;

  private constructor(registry: Registry) {
    this.calls = new Counter({
      name: 'eddy_ai_calls_total',
      help: 'Model calls of AI functions (predict), by outcome (ok, failed)',
      labelNames: ['function', 'model', 'outcome'],
      registers: [registry],
    });
    this.tokens = new Counter({
      name: 'eddy_ai_tokens_total',
      help: 'Tokens of AI function calls, input and output',
      labelNames: ['function', 'model', 'direction'],
      registers: [registry],
    });
    this.cost = new Counter({
      name: 'eddy_ai_cost_usd_total',
      help: 'Cost of AI function calls in US dollars, at the known list prices (models without one count 0)',
      labelNames: ['function', 'model'],
      registers: [registry],
    });
  }
}
