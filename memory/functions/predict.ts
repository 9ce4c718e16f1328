import type { Registry } from 'prom-client';
import type { Observable } from 'rxjs';
import { costOf } from '../../agents/models/cost.ts';
import type { PriceTable } from '../../agents/models/prices.ts';
import { structured } from '../../agents/models/structured.ts';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { actor } from '../../core/pipeline/steps.ts';
import type { Json } from '../../core/store/store.ts';
import { AiMetrics } from './ai-metrics.ts';
import type { ModelFunction } from './model-function.ts';
import { unavailableIfTransient } from './unavailable.ts';

export interface PredictOptions {
  /** The field the prediction goes under in the record passed on. Default `prediction`. */
  readonly as?: string;
  /** Model calls in flight at most, across keys. Default 16. */
  readonly capacity?: number;
  /** The actor's name (journal, metrics); default `predict-<function>`. Two predicts of one function in a pipeline need their own. */
  readonly name?: string;
  readonly metrics?: Registry;
  /** Prices for the cost metric, over the built-in list (see `costOf`). */
  readonly prices?: PriceTable;
}

/** The record passed on: the input with the prediction under `as`. */
export type Predicted<I, O, K extends string = 'prediction'> = I & { readonly [P in K]: O };

/**
 * Runs a model function on every record (Flink's ML_PREDICT): the record is
 * checked with the function's input schema (a failure dead-letters it with
 * the reason), its prompt is sent to the model, the answer is checked with
 * the output schema (one repair round, then a dead letter), and the record
 * goes on with the prediction. The call is a journaled step of a keyed
 * actor: a record's calls run in key order, and a re-run after a crash, or
 * a replay, gets the recorded answer without calling the model again.
 * Retries and timeouts are the model's (see `chatModel`).
 *
 * @example
 * ```ts
 * from('tickets', Ticket).pipe(predict(triage, { as: 'triage' }), to('triaged'));
 * ```
 */
export function predict<I, O extends Json, K extends string = 'prediction'>(
  fn: ModelFunction<I, O>,
  options: PredictOptions & { readonly as?: K } = {},
): PredictStep<I, O, K> {
  const as = options.as ?? 'prediction';
  const gate = new Gate(options.capacity ?? 16);
  const metrics = options.metrics && AiMetrics.of(options.metrics);
  const def = defineActor({
    name: options.name ?? `predict-${fn.name}`,
    initial: () => ({}),
    decide: async (_state: Json, record: I, ctx) => {
      const input = fn.input.safeParse(record);
      if (!input.success) {
        const issues = input.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`);
        throw new TypeError(`${fn.name}: the record does not fit the model's input: ${issues.join('; ')}`);
      }
      const answer = await ctx.run(`predict ${fn.name}`, () =>
        gate.run(async () => {
          const model = fn.model();
          try {
            const got = await structured(
              model,
              { messages: fn.messages(input.data), parameters: fn.parameters, name: fn.name },
              fn.output,
            );
            metrics?.calls.inc({ function: fn.name, model: model.id, outcome: 'ok' });
            metrics?.tokens.inc(
              { function: fn.name, model: model.id, direction: 'input' },
              got.usage.inputTokens,
            );
            metrics?.tokens.inc(
              { function: fn.name, model: model.id, direction: 'output' },
              got.usage.outputTokens,
            );
            metrics?.cost.inc(
              { function: fn.name, model: model.id },
              costOf(got.usage, model.id, options.prices) ?? 0,
            );
            return {
              value: got.value as Json,
              model: model.id,
              usage: { input: got.usage.inputTokens, output: got.usage.outputTokens },
            };
          } catch (error) {
            metrics?.calls.inc({ function: fn.name, model: model.id, outcome: 'failed' });
            // Down or rate-limited after its retries: not the record's fault, the partition tries later.
            throw unavailableIfTransient(`model ${model.id}`, error);
          }
        }),
      );
      ctx.emit({ ...(record as { readonly [k: string]: Json }), [as]: answer.value } as Json);
      return [];
    },
    evolve: (state: Json) => state,
  });
  return actor(def) as unknown as PredictStep<I, O, K>;
}

/** `predict`'s step: any record the function's input takes goes on with the prediction beside its fields. */
export type PredictStep<I, O, K extends string> = <R extends I>(
  source: Observable<R>,
) => Observable<Predicted<R, O, K>>;

/** At most `size` calls at once; the rest wait in order. */
class Gate {
  readonly #size: number;
  #active = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`capacity must be a positive integer, got ${size}`);
    this.#size = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#size) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
      this.#waiting.shift()?.();
    }
  }
}
