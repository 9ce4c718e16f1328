import type { ModelCallSite } from './model-call-error.ts';
import type { ResolvedModel } from './resolve-model.ts';

/** What error messages may say about where a call went: the origin only, never a path or credentials. */
export function callSite(resolved: ResolvedModel): ModelCallSite {
  return {
    model: resolved.id,
    endpoint: new URL(resolved.baseURL).origin,
    keyEnv: resolved.keyEnv,
    timeoutMs: resolved.timeoutMs,
  };
}
