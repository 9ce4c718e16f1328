import OpenAI from 'openai';
import { BadResponse } from '../../agents/models/bad-response.ts';
import { callSite } from '../../agents/models/call-site.ts';
import { openaiClient } from '../../agents/models/openai-client.ts';
import { redact } from '../../agents/models/redact.ts';
import type { ResolvedModel } from '../../agents/models/resolve-model.ts';
import { callWithRetries } from '../../agents/models/retry.ts';
import { sdkFailure } from '../../agents/models/sdk-failure.ts';
import type { Logger } from '../../core/logger.ts';
import { type Embedder, type Embeddings, inBatches } from './embedder.ts';

/**
 * Embeddings through the `openai` SDK (`POST /embeddings`): OpenAI itself
 * and any compatible server (Ollama, vLLM, DashScope, a base URL). Retries
 * transient failures (429, 5xx, timeouts, dropped connections) as chat
 * models do and fails with a `ModelCallError` that says what to do; a
 * response with the wrong number of vectors or of the wrong dimension is a
 * `bad_response`, never a silently short batch.
 */
export class OpenAIEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly offline = false;
  readonly maxBatch: number;
  readonly #resolved: ResolvedModel;
  readonly #client: OpenAI;
  readonly #logger: Logger;
  /** Ask for the dimension (OpenAI's text-embedding-3 models shorten their vectors on request). */
  readonly #askDimensions: boolean;

  constructor(
    resolved: ResolvedModel,
    options: { readonly dimensions: number; readonly askDimensions: boolean; readonly maxBatch: number },
    logger: Logger,
  ) {
    this.id = resolved.id;
    this.dimensions = options.dimensions;
    this.maxBatch = options.maxBatch;
    this.#askDimensions = options.askDimensions;
    this.#resolved = resolved;
    this.#logger = logger;
    this.#client = openaiClient(resolved);
  }

  embed(texts: readonly string[], options: { readonly signal?: AbortSignal } = {}): Promise<Embeddings> {
    return inBatches(texts, this.maxBatch, (batch) => this.#one(batch, options.signal));
  }

  #one(texts: readonly string[], signal: AbortSignal | undefined): Promise<Embeddings> {
    const r = this.#resolved;
    return callWithRetries(
      callSite(r),
      r.retry,
      this.#logger,
      signal,
      async () => {
        const raw = await this.#client.embeddings.create(
          {
            model: r.model,
            input: [...texts],
            encoding_format: 'float',
            ...(this.#askDimensions ? { dimensions: this.dimensions } : {}),
          },
          { timeout: r.timeoutMs, maxRetries: 0, ...(signal ? { signal } : {}) },
        );
        return this.#parse(raw, texts.length);
      },
      (error) =>
        error instanceof BadResponse
          ? { kind: 'bad_response', detail: redact(error.message, r.secrets) }
          : sdkFailure(error, OpenAI, r.secrets, signal),
    );
  }

  #parse(raw: OpenAI.CreateEmbeddingResponse, count: number): Embeddings {
    const data = Array.isArray(raw?.data) ? raw.data : [];
    if (data.length !== count) throw new BadResponse(`asked for ${count} embeddings, got ${data.length}`);
    const vectors: number[][] = new Array(count);
    for (const [i, item] of data.entries()) {
      const at = typeof item.index === 'number' ? item.index : i;
      const v = item.embedding as unknown;
      if (!Array.isArray(v) || v.length !== this.dimensions || !v.every((x) => Number.isFinite(x))) {
        const got = Array.isArray(v) ? `${v.length} values` : typeof v;
        throw new BadResponse(`embedding ${at} is not ${this.dimensions} finite numbers (got ${got})`);
      }
      if (at < 0 || at >= count || vectors[at] !== undefined)
        throw new BadResponse(`embedding index ${at} is out of place`);
      vectors[at] = v as number[];
    }
    return { vectors, inputTokens: raw.usage?.prompt_tokens ?? 0 };
  }
}
