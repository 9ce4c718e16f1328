import { Counter, type Registry } from 'prom-client';
import { perRegistry } from '../../core/metrics/per-registry.ts';

/** Model calls and tokens of AI functions, labelled by function and model: what a cost dashboard graphs. */
export class AiMetrics {
  static of = perRegistry((registry) => new AiMetrics(registry));
  readonly calls: Counter<'function' | 'model' | 'outcome'>;
  readonly tokens: Counter<'function' | 'model' | 'direction'>;

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
  }
}
