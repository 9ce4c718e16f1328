import type { Usage } from './chat-model.ts';
import { defaultPrices, type ModelPrice, type PriceTable } from './prices.ts';

const SNAPSHOT = /-(?:\d{4}-\d{2}-\d{2}|\d{8}|latest)$/;

/**
 * What a call cost in USD, from its usage and the model that answered
 * (`response.model`). `prices` is looked up before the built-in table, so it
 * can add models or override any price. Undefined when neither knows the model.
 *
 * @example
 * const answer = await model.chat(request);
 * const usd = costOf(answer.usage, answer.model, { 'openai:gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6 } });
 */
export function costOf(usage: Usage, modelId: string, prices: PriceTable = {}): number | undefined {
  const found = priceOf(modelId, prices) ?? priceOf(modelId, defaultPrices);
  if (found === undefined) return undefined;
  return (
    (usage.inputTokens * found.inputPerMillion + usage.outputTokens * found.outputPerMillion) / 1_000_000
  );
}

/**
 * The price `table` gives `modelId`: exact id, bare name, undated snapshot,
 * then the provider's `*`; a bare `modelId` also finds a single `provider:` entry.
 *
 * @example
 * priceOf('openai:gpt-4o-2024-08-06', defaultPrices); // the 'openai:gpt-4o' entry
 */
export function priceOf(modelId: string, table: PriceTable): ModelPrice | undefined {
  const colon = modelId.indexOf(':');
  const provider = colon === -1 ? undefined : modelId.slice(0, colon);
  const model = colon === -1 ? modelId : modelId.slice(colon + 1);
  const undated = model.replace(SNAPSHOT, '');
  const keys = [
    ...(provider === undefined ? [] : [`${provider}:${model}`, `${provider}:${undated}`]),
    model,
    undated,
    ...(provider === undefined ? [] : [`${provider}:*`]),
  ];
  for (const key of keys) if (Object.hasOwn(table, key)) return table[key];
  if (provider !== undefined) return undefined;
  // A bare name finds the one provider entry that has it.
  const matches = Object.keys(table).filter(
    (key) => key.endsWith(`:${model}`) || key.endsWith(`:${undated}`),
  );
  return matches.length === 1 && matches[0] !== undefined ? table[matches[0]] : undefined;
}
