import type { ProviderName } from './model-config.ts';

/** The API a provider speaks: OpenAI's own dialect or the compatible one (`max_tokens`, `top_k`). */
export type Wire = 'anthropic' | 'openai' | 'compatible';

export interface ProviderInfo {
  readonly wire: Wire;
  /** Environment variable of the API key. */
  readonly keyEnv: string | undefined;
  readonly keyRequired: boolean;
  /** Sent when no key is needed: the OpenAI SDK refuses to run without one, and servers ignore it. */
  readonly placeholderKey: string;
  /** Environment variable of the endpoint. */
  readonly baseEnv: string | undefined;
  readonly defaultBaseURL: string | undefined;
}

type RealProvider = Exclude<ProviderName, 'offline'>;

/** Where each provider's key and endpoint come from by default. */
export const providers: Readonly<Record<RealProvider, ProviderInfo>> = {
  anthropic: {
    wire: 'anthropic',
    keyEnv: 'ANTHROPIC_API_KEY',
    keyRequired: true,
    placeholderKey: '',
    baseEnv: 'ANTHROPIC_BASE_URL',
    defaultBaseURL: 'https://api.anthropic.com',
  },
  openai: {
    wire: 'openai',
    keyEnv: 'OPENAI_API_KEY',
    keyRequired: true,
    placeholderKey: '',
    baseEnv: 'OPENAI_BASE_URL',
    defaultBaseURL: 'https://api.openai.com/v1',
  },
  ollama: {
    wire: 'compatible',
    keyEnv: 'OLLAMA_API_KEY',
    keyRequired: false,
    placeholderKey: 'ollama',
    baseEnv: 'OLLAMA_HOST',
    defaultBaseURL: 'http://127.0.0.1:11434/v1',
  },
  vllm: {
    wire: 'compatible',
    keyEnv: 'VLLM_API_KEY',
    keyRequired: false,
    placeholderKey: 'EMPTY',
    baseEnv: 'VLLM_BASE_URL',
    defaultBaseURL: 'http://127.0.0.1:8000/v1',
  },
  dashscope: {
    wire: 'compatible',
    keyEnv: 'DASHSCOPE_API_KEY',
    keyRequired: true,
    placeholderKey: '',
    baseEnv: 'DASHSCOPE_BASE_URL',
    defaultBaseURL: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
  },
  compatible: {
    wire: 'compatible',
    keyEnv: 'OPENAI_API_KEY',
    keyRequired: false,
    placeholderKey: 'no-key',
    baseEnv: 'OPENAI_BASE_URL',
    defaultBaseURL: undefined,
  },
};

/**
 * Environment variables that mean "a real model was configured": with any of
 * them set, `fallback: 'offline'` never applies.
 */
export const configuringEnvVars: readonly string[] = [
  'EDDY_MODEL',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_BASE_URL',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OLLAMA_HOST',
  'VLLM_BASE_URL',
  'DASHSCOPE_API_KEY',
];

/**
 * `OLLAMA_HOST` as Ollama itself reads it (`host`, `host:port`, or a URL) turned
 * into the base URL of its OpenAI-compatible API.
 */
export function ollamaBaseURL(host: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(host) ? host : `http://${host}`;
  const url = new URL(withScheme);
  const explicitPort = /^[a-z]+:\/\/[^/]*:\d+(?:\/|$)/i.test(withScheme);
  if (!explicitPort && url.protocol === 'http:') url.port = '11434';
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v1') ? path : `${path}/v1`;
  return url.toString().replace(/\/$/, '');
}
