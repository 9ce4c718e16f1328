import { Counter, Gauge, type Registry } from 'prom-client';
import type { ChatModel, ChatRequest, ChatResponse } from '../chat-model.ts';
import { costOf } from '../cost.ts';
import type { PriceTable } from '../prices.ts';
import { BudgetExceededError } from './budget-exceeded-error.ts';
import { UsageWindow } from './usage-window.ts';

/** A limit on tokens (input + output) and/or money per window of wall-clock time. */
export interface Budget {
  readonly tokens?: number;
  readonly usd?: number;
  readonly windowMs: number;
}

export interface BudgetOptions {
  /** Per key of the calling agent (what one customer, one job may spend). */
  readonly perKey?: Budget;
  /** Per agent (actor name): the whole stage. */
  readonly perAgent?: Budget;
  /** For the model, whoever calls. */
  readonly perModel?: Budget;
  /**
   * `'wait'` (default): the call waits until the window has room again, holding
   * its key's inputs (flow control) up to `maxWaitMs`; `'dead-letter'`: it
   * throws `BudgetExceededError` and the input becomes a dead letter.
   */
  readonly onExceeded?: 'wait' | 'dead-letter';
  /** A wait longer than this throws instead. Default 10 minutes. */
  readonly maxWaitMs?: number;
  /** Prices for the money budgets, over the built-in list. */
  readonly prices?: PriceTable;
  /** Registers `eddy_model_budget_used` (by scope, unit) and `eddy_model_budget_refusals_total` and `_waits_total`. */
  readonly metrics?: Registry;
  readonly clock?: () => number;
}

/**
 * A model that keeps to budgets: before each call the spend of the calling
 * key, its agent and the model in their windows is checked (a call that
 * would start over a limit waits, or is refused with `BudgetExceededError`);
 * after it, its tokens and cost are counted. Spend is kept in the process:
 * a restart starts the windows afresh. A call may overshoot by its own size:
 * its tokens are known only once it answered.
 *
 * @example
 * ```ts
 * const model = budgeted(chatModel('openai:gpt-4o-mini'), {
 *   perKey: { tokens: 20_000, windowMs: 3_600_000 },
 *   perAgent: { usd: 5, windowMs: 86_400_000 },
 *   onExceeded: 'dead-letter',
 * });
 * ```
 */
export function budgeted(model: ChatModel, options: BudgetOptions): ChatModel {
  const clock = options.clock ?? Date.now;
  const windows = new Map<string, UsageWindow>();
  const metrics = options.metrics && budgetMetrics(options.metrics);
  const scopes = (request: ChatRequest) =>
    [
      options.perKey && request.caller
        ? { id: `key ${request.caller.agent}/${request.caller.key}`, kind: 'key', budget: options.perKey }
        : undefined,
      options.perAgent && request.caller
        ? { id: `agent ${request.caller.agent}`, kind: 'agent', budget: options.perAgent }
        : undefined,
      options.perModel ? { id: `model ${model.id}`, kind: 'model', budget: options.perModel } : undefined,
    ].filter((s) => s !== undefined);
  const windowOf = (id: string, budget: Budget) => {
    let w = windows.get(id);
    if (!w) {
      w = new UsageWindow(budget.windowMs);
      windows.set(id, w);
    }
    return w;
  };
  /** The first scope over its limit now, and when it has room again. */
  const over = (request: ChatRequest) => {
    const now = clock();
    for (const s of scopes(request)) {
      const w = windowOf(s.id, s.budget);
      const used = w.used(now);
      if (
        (s.budget.tokens !== undefined && used.tokens >= s.budget.tokens) ||
        (s.budget.usd !== undefined && used.usd >= s.budget.usd)
      )
        return { scope: s, used, freeAt: w.nextExpiry(now) ?? now };
    }
    return undefined;
  };
  return {
    id: model.id,
    offline: model.offline,
    async chat(request: ChatRequest): Promise<ChatResponse> {
      const deadline = clock() + (options.maxWaitMs ?? 600_000);
      for (let blocked = over(request); blocked; blocked = over(request)) {
        const { scope, used, freeAt } = blocked;
        const limit = `${scope.budget.tokens ?? '∞'} tokens, $${scope.budget.usd ?? '∞'}`;
        if (options.onExceeded === 'dead-letter' || freeAt > deadline) {
          metrics?.refusals.inc({ scope: scope.kind });
          throw new BudgetExceededError(
            scope.id,
            `${used.tokens} tokens, $${used.usd.toFixed(4)}`,
            limit,
            scope.budget.windowMs,
          );
        }
        metrics?.waits.inc({ scope: scope.kind });
        await sleep(Math.max(1, freeAt - clock()), request.signal);
      }
      const answer = await model.chat(request);
      const tokens = answer.usage.inputTokens + answer.usage.outputTokens;
      const usd = costOf(answer.usage, answer.model ?? model.id, options.prices) ?? 0;
      const now = clock();
      for (const s of scopes(request)) {
        const w = windowOf(s.id, s.budget);
        w.add(now, tokens, usd);
        // Per-key spend is not a metric (one series per key would swamp Prometheus): agents' and models' are.
        if (s.kind === 'key') continue;
        const used = w.used(now);
        metrics?.used.set({ scope: s.id, unit: 'tokens' }, used.tokens);
        metrics?.used.set({ scope: s.id, unit: 'usd' }, used.usd);
      }
      return answer;
    },
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

const registered = new WeakMap<Registry, ReturnType<typeof makeMetrics>>();

function budgetMetrics(registry: Registry) {
  let m = registered.get(registry);
  if (!m) {
    m = makeMetrics(registry);
    registered.set(registry, m);
  }
  return m;
}

function makeMetrics(registry: Registry) {
  return {
    used: new Gauge({
      name: 'eddy_model_budget_used',
      help: 'Spend in the current budget window, by scope (an agent or a model) and unit (tokens, usd)',
      labelNames: ['scope', 'unit'],
      registers: [registry],
    }),
    refusals: new Counter({
      name: 'eddy_model_budget_refusals_total',
      help: 'Model calls refused over a budget (their inputs dead-lettered)',
      labelNames: ['scope'],
      registers: [registry],
    }),
    waits: new Counter({
      name: 'eddy_model_budget_waits_total',
      help: 'Model calls that waited for room in a budget window',
      labelNames: ['scope'],
      registers: [registry],
    }),
  };
}
