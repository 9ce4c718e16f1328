import { type Logger, silentLogger } from '../../core/logger.ts';
import { AnthropicModel } from './anthropic-model.ts';
import type { ChatModel } from './chat-model.ts';
import type { ModelConfig } from './model-config.ts';
import { ModelConfigError } from './model-config-error.ts';
import type { TextSink } from './offline-banner.ts';
import { offlineModel } from './offline-model.ts';
import { OpenAIModel } from './openai-model.ts';
import { configuringEnvVars } from './providers.ts';
import { type Env, envValue, parseSpec, resolveModel } from './resolve-model.ts';

export interface ChatModelOptions {
  /**
   * `'offline'`: when nothing at all is configured (no spec, no key, no
   * endpoint in the environment), use the offline model, loudly. Anything
   * configured, even broken, never falls back.
   */
  readonly fallback?: 'offline';
  /** Where keys and endpoints are read (default `process.env`). */
  readonly env?: Env;
  /** Gets retry warnings and the offline announcement. */
  readonly logger?: Logger;
  /** Gets the offline banner (default `process.stderr`). */
  readonly stderr?: TextSink;
}

/**
 * A chat model from a spec: `provider:model` or a config object (checked
 * with zod). Without a spec, `EDDY_MODEL` is read.
 *
 * | provider     | key (env)           | endpoint (env, default)                                        |
 * |--------------|---------------------|----------------------------------------------------------------|
 * | `anthropic`  | `ANTHROPIC_API_KEY` | `ANTHROPIC_BASE_URL`, https://api.anthropic.com                 |
 * | `openai`     | `OPENAI_API_KEY`    | `OPENAI_BASE_URL`, https://api.openai.com/v1                    |
 * | `ollama`     | none needed         | `OLLAMA_HOST`, http://127.0.0.1:11434                           |
 * | `vllm`       | `VLLM_API_KEY` (opt)| `VLLM_BASE_URL`, http://127.0.0.1:8000/v1                       |
 * | `dashscope`  | `DASHSCOPE_API_KEY` | `DASHSCOPE_BASE_URL`, https://dashscope.aliyuncs.com/compatible-mode/v1 |
 * | `compatible` | `OPENAI_API_KEY` (opt) | `baseURL` or `OPENAI_BASE_URL` (required)                   |
 * | `offline`    | none                | none: canned answers, announced on stderr                      |
 *
 * Throws ModelConfigError for a spec it cannot use and MissingApiKeyError
 * when the provider needs a key it cannot find; calls retry 429, 5xx,
 * timeouts and dropped connections with backoff, then throw ModelCallError.
 * Keys never appear in logs or error messages.
 *
 * @example
 * const claude = chatModel('anthropic:claude-sonnet-4-5');
 * const local = chatModel({ provider: 'ollama', model: 'qwen3:8b', temperature: 0.2, topK: 40, timeoutMs: 120_000 });
 * // Scenarios: a real model when one is configured, else the offline one (with a banner).
 * const model = chatModel(process.env.EDDY_MODEL, { fallback: 'offline' });
 */
export function chatModel(spec?: string | ModelConfig, options: ChatModelOptions = {}): ChatModel {
  const env = options.env ?? process.env;
  const logger = options.logger ?? silentLogger;
  const chosen = spec === undefined || spec === '' ? envValue(env, 'EDDY_MODEL') : spec;
  if (chosen === undefined) {
    const set = modelEnvSet(env);
    if (set.length > 0)
      throw new ModelConfigError([
        `no model chosen, yet ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set: pass a spec such as 'anthropic:<model>' or set EDDY_MODEL (the offline fallback is only for when nothing is configured)`,
      ]);
    if (options.fallback !== 'offline')
      throw new ModelConfigError([
        "no model chosen: pass a spec such as 'anthropic:<model>', 'openai:<model>' or 'ollama:<model>', set EDDY_MODEL, or pass { fallback: 'offline' } to run without one",
      ]);
    return offlineModel({
      reason: 'no model, API key or endpoint is configured',
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.stderr === undefined ? {} : { stderr: options.stderr }),
    });
  }
  const parsed = parseSpec(chosen);
  if (parsed.kind === 'offline')
    return offlineModel({
      name: parsed.name,
      reason: 'asked for by the model spec',
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.stderr === undefined ? {} : { stderr: options.stderr }),
    });
  const resolved = resolveModel(parsed.config, env);
  return resolved.wire === 'anthropic'
    ? new AnthropicModel(resolved, logger)
    : new OpenAIModel(resolved, logger);
}

/**
 * The environment variables that configure a model and are set: empty when
 * nothing is, which is when a scenario may use the offline model.
 *
 * @example
 * ```ts
 * const model = modelEnvSet().length > 0 ? chatModel(process.env.EDDY_MODEL) : offlineModel({ reason: 'demo' });
 * ```
 */
export function modelEnvSet(env: Env = process.env): readonly string[] {
  return configuringEnvVars.filter((name) => envValue(env, name) !== undefined);
}
