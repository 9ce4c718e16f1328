import type { z } from 'zod';
import type { ChatParameters } from './chat-model.ts';
import { MissingApiKeyError } from './missing-api-key-error.ts';
import { type ModelConfig, modelConfigSchema, type ProviderName, providerNames } from './model-config.ts';
import { ModelConfigError } from './model-config-error.ts';
import { ollamaBaseURL, providers, type Wire } from './providers.ts';
import { defaultRetryPolicy, type RetryPolicy } from './retry.ts';

/** Environment variables, `process.env` by default. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A real model with everything decided: what the provider adapters are built from. */
export interface ResolvedModel {
  readonly provider: Exclude<ProviderName, 'offline'>;
  readonly model: string;
  /** `provider:model`. */
  readonly id: string;
  readonly wire: Wire;
  readonly baseURL: string;
  readonly apiKey: string;
  /** Where the key came from (for error hints), undefined when given in the config. */
  readonly keyEnv: string | undefined;
  readonly defaults: ChatParameters;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly headers: Readonly<Record<string, string>>;
  /** Strings to redact from anything we print: the key and extra header values. */
  readonly secrets: readonly string[];
}

export const defaultTimeoutMs = 60_000;

/** A spec after parsing: offline, or a checked config. */
export type ParsedSpec =
  | { readonly kind: 'offline'; readonly name: string }
  | {
      readonly kind: 'real';
      readonly config: z.output<typeof modelConfigSchema> & { readonly provider: ProviderName };
    };

/** Parses `provider:model` or checks a config object; throws ModelConfigError. */
export function parseSpec(spec: string | ModelConfig): ParsedSpec {
  const raw = typeof spec === 'string' ? { model: spec } : spec;
  const checked = modelConfigSchema.safeParse(raw);
  if (!checked.success)
    throw new ModelConfigError(
      checked.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`),
    );
  const config = checked.data;
  let provider = config.provider;
  let model = config.model;
  if (provider === undefined) {
    const colon = model.indexOf(':');
    const prefix = colon === -1 ? model : model.slice(0, colon);
    if (colon === -1 && prefix !== 'offline')
      throw new ModelConfigError([
        `model: "${model}" names no provider; write provider:model, e.g. anthropic:claude-sonnet-4-5, openai:gpt-4o-mini or ollama:qwen3:8b`,
      ]);
    if (!isProvider(prefix))
      throw new ModelConfigError([
        `model: unknown provider "${prefix}"; use one of ${providerNames.map((p) => `${p}:`).join(', ')}`,
      ]);
    provider = prefix;
    model = colon === -1 ? '' : model.slice(colon + 1).trim();
  }
  if (provider === 'offline') return { kind: 'offline', name: model === '' ? 'fallback' : model };
  if (model === '') throw new ModelConfigError([`model: the model name after "${provider}:" is empty`]);
  return { kind: 'real', config: { ...config, provider, model } };
}

/**
 * The model a checked config means in this environment: endpoint and key from
 * the config, else the provider's environment variables, else its defaults.
 * Throws MissingApiKeyError when a provider that needs a key has none.
 */
export function resolveModel(
  config: Extract<ParsedSpec, { kind: 'real' }>['config'],
  env: Env,
): ResolvedModel {
  const provider = config.provider as ResolvedModel['provider'];
  const info = providers[provider];
  const id = `${provider}:${config.model}`;
  const baseURL = config.baseURL ?? baseFromEnv(provider, env) ?? info.defaultBaseURL;
  if (baseURL === undefined)
    throw new ModelConfigError([
      `baseURL: ${id} needs the endpoint of the OpenAI-compatible server; pass baseURL (e.g. http://127.0.0.1:8000/v1) or set ${info.baseEnv}`,
    ]);
  const keyEnv = config.apiKey === undefined ? (config.apiKeyEnv ?? info.keyEnv) : undefined;
  const apiKey = config.apiKey ?? (keyEnv === undefined ? undefined : envValue(env, keyEnv));
  if (apiKey === undefined && (info.keyRequired || config.apiKeyEnv !== undefined))
    throw new MissingApiKeyError(id, keyEnv ?? 'the API key variable');
  const headers = config.headers ?? {};
  const retry: RetryPolicy = {
    retries: config.retries ?? defaultRetryPolicy.retries,
    baseDelayMs: config.retryBaseDelayMs ?? defaultRetryPolicy.baseDelayMs,
    maxDelayMs: config.retryMaxDelayMs ?? defaultRetryPolicy.maxDelayMs,
  };
  return {
    provider,
    model: config.model,
    id,
    wire: info.wire,
    baseURL: baseURL.replace(/\/+$/, ''),
    apiKey: apiKey ?? info.placeholderKey,
    keyEnv,
    defaults: {
      ...(config.temperature === undefined ? {} : { temperature: config.temperature }),
      ...(config.topP === undefined ? {} : { topP: config.topP }),
      ...(config.topK === undefined ? {} : { topK: config.topK }),
      ...(config.maxTokens === undefined ? {} : { maxTokens: config.maxTokens }),
      ...(config.stop === undefined ? {} : { stop: config.stop }),
    },
    timeoutMs: config.timeoutMs ?? defaultTimeoutMs,
    retry,
    headers,
    secrets: [...(apiKey === undefined ? [] : [apiKey]), ...Object.values(headers)],
  };
}

/** A variable's value, with empty and blank values counting as unset. */
export function envValue(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function baseFromEnv(provider: ResolvedModel['provider'], env: Env): string | undefined {
  const name = providers[provider].baseEnv;
  const value = name === undefined ? undefined : envValue(env, name);
  if (value === undefined) return undefined;
  try {
    return provider === 'ollama' ? ollamaBaseURL(value) : new URL(value).toString();
  } catch {
    throw new ModelConfigError([`${name}: is not a URL (expected e.g. http://127.0.0.1:8000/v1)`]);
  }
}

function isProvider(name: string): name is ProviderName {
  return (providerNames as readonly string[]).includes(name);
}
