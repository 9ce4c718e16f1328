import type { z } from 'zod';
import type { ChatModel, ChatParameters } from '../../agents/models/chat-model.ts';
import { chatModel } from '../../agents/models/chat-model-factory.ts';
import type { ModelConfig } from '../../agents/models/model-config.ts';
import type { Json } from '../../core/store/store.ts';
import type { ModelFunction } from './model-function.ts';

const NAME = /^[a-z][a-z0-9-]{0,47}$/;

export interface ModelDefinition<I, O extends Json> {
  /** Names the function's actor (`predict-<name>`), journal and metrics: keep it stable. */
  readonly name: string;
  /** A spec (`openai:gpt-4o-mini`), a config, or a model; default `EDDY_MODEL`, else the offline model, loudly. */
  readonly model?: string | ModelConfig | ChatModel;
  readonly input: z.ZodType<I>;
  readonly output: z.ZodType<O>;
  readonly system?: string;
  /** The record's prompt. */
  readonly prompt: (input: I) => string;
  readonly parameters?: ChatParameters;
}

/** Registers a model function; see `ModelFunction`. */
export function defineModel<I, O extends Json>(def: ModelDefinition<I, O>): ModelFunction<I, O> {
  if (!NAME.test(def.name)) {
    throw new TypeError(
      `model function name "${def.name}": a lower-case letter, then up to 47 of a-z, 0-9 and -`,
    );
  }
  let resolved: ChatModel | undefined;
  return Object.freeze({
    name: def.name,
    model: () => {
      resolved ??=
        typeof def.model === 'object' && 'chat' in def.model
          ? def.model
          : chatModel(def.model, { fallback: 'offline' });
      return resolved;
    },
    input: def.input,
    output: def.output,
    messages: (input: I) => [
      ...(def.system === undefined ? [] : [{ role: 'system' as const, content: def.system }]),
      { role: 'user' as const, content: def.prompt(input) },
    ],
    parameters: def.parameters ?? {},
  });
}

/**
 * Model functions by name, registered once (a pipeline module's
 * configuration) and looked up where pipelines are built.
 *
 * @example
 * ```ts
 * const models = new ModelRegistry().register(triage);
 * from('tickets', Ticket).pipe(predict(models.get('triage')), to('triaged'));
 * ```
 */
export class ModelRegistry {
  readonly #functions = new Map<string, ModelFunction<never, Json>>();

  register<I, O extends Json>(fn: ModelFunction<I, O>): this {
    if (this.#functions.has(fn.name))
      throw new TypeError(`model function "${fn.name}" is registered already`);
    this.#functions.set(fn.name, fn as unknown as ModelFunction<never, Json>);
    return this;
  }

  get<I = unknown, O extends Json = Json>(name: string): ModelFunction<I, O> {
    const fn = this.#functions.get(name);
    if (!fn) {
      const known = [...this.#functions.keys()].join(', ') || 'none';
      throw new TypeError(`no model function "${name}" is registered (registered: ${known})`);
    }
    return fn as unknown as ModelFunction<I, O>;
  }

  get names(): readonly string[] {
    return [...this.#functions.keys()];
  }
}
