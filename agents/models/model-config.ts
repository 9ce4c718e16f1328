import { z } from 'zod';

/** Providers a model spec can name. `compatible` is any OpenAI-compatible endpoint given by base URL. */
export const providerNames = [
  'anthropic',
  'openai',
  'ollama',
  'vllm',
  'dashscope',
  'compatible',
  'offline',
] as const;
export type ProviderName = (typeof providerNames)[number];

/**
 * A chat model config, checked with zod at `chatModel()`. Everything but
 * `model` is optional: keys and endpoints come from the environment by
 * default (see the providers' table in `chatModel`).
 */
export const modelConfigSchema = z.strictObject({
  /** Omit it when `model` is written `provider:model`. */
  provider: z.enum(providerNames).optional(),
  model: z.string().trim().min(1),
  /** Endpoint; Anthropic's without `/v1`, OpenAI-style ones with it (`http://127.0.0.1:8000/v1`). */
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  /** The key itself; by default it is read from the provider's environment variable. */
  apiKey: z.string().min(1).optional(),
  /** Read the key from this environment variable instead of the provider's usual one. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name')
    .optional(),
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).max(1).optional(),
  /** Sent to providers that have it (Anthropic, Ollama, vLLM, DashScope); OpenAI has none. */
  topK: z.int().positive().optional(),
  maxTokens: z.int().positive().optional(),
  stop: z.array(z.string().min(1)).max(16).optional(),
  /** Limit on one attempt, in ms (default 60 000). */
  timeoutMs: z.int().positive().optional(),
  /** Retries of transient failures after the first attempt (default 3). */
  retries: z.int().min(0).max(20).optional(),
  retryBaseDelayMs: z.int().min(0).optional(),
  retryMaxDelayMs: z.int().min(0).optional(),
  /** Extra HTTP headers (a gateway's, for instance); their values are redacted like keys. */
  headers: z.record(z.string(), z.string()).optional(),
});

/**
 * A chat model config object.
 *
 * @example
 * const config: ModelConfig = { provider: 'ollama', model: 'qwen3:8b', temperature: 0.2, topK: 40 };
 */
export type ModelConfig = z.input<typeof modelConfigSchema>;
