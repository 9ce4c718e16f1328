/** List price of a model in USD per million tokens. */
export interface ModelPrice {
  readonly inputPerMillion: number;
  readonly outputPerMillion: number;
}

/**
 * Prices by `provider:model`, bare model name, or `provider:*` for a whole
 * provider. Dated snapshots (`gpt-4o-2024-08-06`, `claude-sonnet-4-5-20250929`)
 * find their undated entry.
 */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

const price = (inputPerMillion: number, outputPerMillion: number): ModelPrice => ({
  inputPerMillion,
  outputPerMillion,
});

/**
 * Public list prices (standard tier, no caching or batch discounts) as
 * published by the providers in 2025. Prices change: pass your own table to
 * `costOf` for anything that matters. Local servers cost nothing per token.
 */
export const defaultPrices: PriceTable = {
  'anthropic:claude-opus-4-5': price(5, 25),
  'anthropic:claude-opus-4-1': price(15, 75),
  'anthropic:claude-opus-4': price(15, 75),
  'anthropic:claude-sonnet-4-5': price(3, 15),
  'anthropic:claude-sonnet-4': price(3, 15),
  'anthropic:claude-haiku-4-5': price(1, 5),
  'anthropic:claude-3-5-haiku': price(0.8, 4),
  'openai:gpt-5': price(1.25, 10),
  'openai:gpt-5-mini': price(0.25, 2),
  'openai:gpt-5-nano': price(0.05, 0.4),
  'openai:gpt-4.1': price(2, 8),
  'openai:gpt-4.1-mini': price(0.4, 1.6),
  'openai:gpt-4.1-nano': price(0.1, 0.4),
  'openai:gpt-4o': price(2.5, 10),
  'openai:gpt-4o-mini': price(0.15, 0.6),
  'openai:o3': price(2, 8),
  'openai:o4-mini': price(1.1, 4.4),
  'ollama:*': price(0, 0),
  'vllm:*': price(0, 0),
  'offline:*': price(0, 0),
};
