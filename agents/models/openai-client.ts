import OpenAI from 'openai';
import type { ResolvedModel } from './resolve-model.ts';

/**
 * The `openai` SDK client for a resolved model: its endpoint, key, headers
 * and time limit, the SDK's own retries off (eddy's loop retries, the same
 * way for every provider). Chat models and embedders share it.
 */
export function openaiClient(resolved: ResolvedModel): OpenAI {
  return new OpenAI({
    apiKey: resolved.apiKey,
    baseURL: resolved.baseURL,
    timeout: resolved.timeoutMs,
    maxRetries: 0,
    defaultHeaders: { ...resolved.headers },
    // OPENAI_ORG_ID / OPENAI_PROJECT_ID mean something to OpenAI only.
    ...(resolved.wire !== 'openai' ? { organization: null, project: null } : {}),
  });
}
