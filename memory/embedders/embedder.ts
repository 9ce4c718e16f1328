/** What one `embed` call gave. */
export interface Embeddings {
  /** One vector per input text, in the order given. */
  readonly vectors: readonly (readonly number[])[];
  /** Input tokens the provider counted (0 for the offline embedder). */
  readonly inputTokens: number;
}

/**
 * Turns texts into vectors of a fixed dimension. Batches: a call with more
 * texts than `maxBatch` is split and its answers joined. Implementations:
 * OpenAI and OpenAI-compatible endpoints (Ollama, vLLM, any base URL)
 * through the `openai` SDK, and the offline embedder.
 *
 * @example
 * ```ts
 * const embedder = embedderFor('openai:text-embedding-3-small');
 * const { vectors } = await embedder.embed(['the parcel never came']);
 * ```
 */
export interface Embedder {
  /** `provider:model`, or `offline:hashing-<dimensions>`. */
  readonly id: string;
  readonly dimensions: number;
  /** True for the offline embedder: its vectors come from words, not a model. */
  readonly offline: boolean;
  readonly maxBatch: number;
  embed(texts: readonly string[], options?: { readonly signal?: AbortSignal }): Promise<Embeddings>;
}

/** Runs `one` over batches of at most `size` texts, in order, and joins what they gave. */
export async function inBatches(
  texts: readonly string[],
  size: number,
  one: (batch: readonly string[]) => Promise<Embeddings>,
): Promise<Embeddings> {
  const vectors: (readonly number[])[] = [];
  let inputTokens = 0;
  for (let i = 0; i < texts.length; i += size) {
    const got = await one(texts.slice(i, i + size));
    vectors.push(...got.vectors);
    inputTokens += got.inputTokens;
  }
  return { vectors, inputTokens };
}
