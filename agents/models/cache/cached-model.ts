import { createHash } from 'node:crypto';
import { Counter, type Registry } from 'prom-client';
import type { ChatModel, ChatRequest, ChatResponse } from '../chat-model.ts';

export interface ModelCacheOptions {
  /** Answers kept, least recently used dropped first. Default 10 000. */
  readonly maxEntries?: number;
  /** How long an answer may be given again. Default 1 hour. */
  readonly ttlMs?: number;
  /** Registers `eddy_model_cache_hits_total` and `eddy_model_cache_misses_total` (by model). */
  readonly metrics?: Registry;
  readonly clock?: () => number;
}

/**
 * A model that answers an identical call from memory: same model, messages,
 * tools, output format and parameters (a SHA-256 of them), whichever key
 * asks. The agent journals a cached answer like any other, so a replay gives
 * the same answer whether or not it came from the cache. Worth it where many
 * keys ask the same (classifying the same product name, the same FAQ).
 *
 * @example
 * ```ts
 * const model = cachedModel(chatModel('openai:gpt-4o-mini'), { maxEntries: 50_000, ttlMs: 86_400_000 });
 * ```
 */
export function cachedModel(model: ChatModel, options: ModelCacheOptions = {}): ChatModel {
  const max = options.maxEntries ?? 10_000;
  const ttl = options.ttlMs ?? 3_600_000;
  const clock = options.clock ?? Date.now;
  const entries = new Map<string, { at: number; answer: ChatResponse }>();
  const inFlight = new Map<string, Promise<ChatResponse>>();
  const counters = options.metrics && cacheMetrics(options.metrics);
  return {
    id: model.id,
    offline: model.offline,
    async chat(request: ChatRequest): Promise<ChatResponse> {
      const key = callKey(model.id, request);
      const hit = entries.get(key);
      if (hit && clock() - hit.at < ttl) {
        entries.delete(key);
        entries.set(key, hit);
        counters?.hits.inc({ model: model.id });
        return hit.answer;
      }
      // Two keys asking the same at once share one call.
      const pending = inFlight.get(key);
      if (pending) {
        counters?.hits.inc({ model: model.id });
        return pending;
      }
      counters?.misses.inc({ model: model.id });
      const call = model.chat(request).then((answer) => {
        entries.set(key, { at: clock(), answer });
        while (entries.size > max) entries.delete(entries.keys().next().value as string);
        return answer;
      });
      inFlight.set(key, call);
      try {
        return await call;
      } finally {
        inFlight.delete(key);
      }
    },
  };
}

/** The content hash of a call: what makes two calls identical (not who asks, not the signal). */
export function callKey(modelId: string, request: ChatRequest): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        modelId,
        request.messages,
        request.tools ?? [],
        request.responseFormat ?? null,
        request.parameters ?? {},
      ]),
    )
    .digest('hex');
}

const registered = new WeakMap<Registry, { hits: Counter; misses: Counter }>();

function cacheMetrics(registry: Registry) {
  let m = registered.get(registry);
  if (!m) {
    m = {
      hits: new Counter({
        name: 'eddy_model_cache_hits_total',
        help: 'Model calls answered from the identical-call cache',
        labelNames: ['model'],
        registers: [registry],
      }),
      misses: new Counter({
        name: 'eddy_model_cache_misses_total',
        help: 'Model calls the identical-call cache had to make',
        labelNames: ['model'],
        registers: [registry],
      }),
    };
    registered.set(registry, m);
  }
  return m;
}
