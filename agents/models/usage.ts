import type { Usage } from './chat-model.ts';

/**
 * Token usage of several calls added up.
 *
 * @example
 * const total = sumUsage(responses.map((r) => r.usage));
 */
export function sumUsage(usages: readonly Usage[]): Usage {
  let inputTokens = 0;
  let outputTokens = 0;
  for (const usage of usages) {
    inputTokens += usage.inputTokens;
    outputTokens += usage.outputTokens;
  }
  return { inputTokens, outputTokens };
}
