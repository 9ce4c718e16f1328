import { z } from 'zod';
import type { ModelConfig } from '../../agents/models/model-config.ts';
import { ModelConfigError } from '../../agents/models/model-config-error.ts';
import { sinkLogger, type TextSink } from '../../agents/models/offline-banner.ts';
import { type Env, envValue, parseSpec, resolveModel } from '../../agents/models/resolve-model.ts';
import type { Logger } from '../../core/logger.ts';
import type { Embedder } from './embedder.ts';
import { announceOfflineEmbedder } from './offline-announcement.ts';
import { offlineEmbedder } from './offline-embedder.ts';
import { OpenAIEmbedder } from './openai-embedder.ts';

/** Dimensions of embedding models whose size is known; others need `dimensions`. */
const KNOWN: Readonly<Record<string, number>> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
  'nomic-embed-text': 768,
  'mxbai-embed-large': 1024,
  'all-minilm': 384,
  'bge-m3': 1024,
};

const Options = z.strictObject({
  dimensions: z.int().min(1).max(4096).optional(),
  maxBatch: z.int().min(1).max(2048).optional(),
});

export interface EmbedderOptions {
  /** The vector size: required for models not in the known list; OpenAI's v3 models shorten to it. */
  readonly dimensions?: number;
  /** Texts per request (default 256; OpenAI takes up to 2048). */
  readonly maxBatch?: number;
  /** `'offline'`: with nothing configured at all, use the offline embedder, loudly. */
  readonly fallback?: 'offline';
  readonly env?: Env;
  readonly logger?: Logger;
  readonly stderr?: TextSink;
}

/**
 * An embedder from a spec: `openai:text-embedding-3-small`,
 * `ollama:nomic-embed-text`, `vllm:…`, `compatible:…` with a `baseURL`, or
 * `offline` (`offline:384` for its dimension); keys and endpoints as for
 * chat models (`chatModel`), retries and timeouts too. Without a spec,
 * `EDDY_EMBEDDER` is read. The offline embedder is announced on stderr and
 * in the log, and is never used in place of a configured one: a configured
 * provider without its key throws `MissingApiKeyError`.
 *
 * @example
 * ```ts
 * const embedder = embedderFor('ollama:nomic-embed-text');
 * const demo = embedderFor(undefined, { fallback: 'offline', dimensions: 384 });
 * ```
 */
export function embedderFor(spec: string | ModelConfig | undefined, options: EmbedderOptions = {}): Embedder {
  const checked = Options.safeParse({ dimensions: options.dimensions, maxBatch: options.maxBatch });
  if (!checked.success) {
    throw new ModelConfigError(checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const logger = options.logger ?? sinkLogger(stderr);
  // A blank spec (an unset variable passed through) counts as none.
  const named = typeof spec === 'string' && spec.trim() === '' ? undefined : spec;
  const given = named ?? envValue(env, 'EDDY_EMBEDDER');
  if (given === undefined) {
    if (options.fallback !== 'offline') {
      throw new ModelConfigError([
        'embedder: none configured; pass a spec such as openai:text-embedding-3-small or ollama:nomic-embed-text, set EDDY_EMBEDDER, or ask for fallback: "offline"',
      ]);
    }
    return offline(options.dimensions, 'no embedder configured', logger, stderr);
  }
  const parsed = parseSpec(given);
  if (parsed.kind === 'offline') {
    const size = parsed.name === 'fallback' ? options.dimensions : Number(parsed.name);
    if (size !== undefined && !Number.isInteger(size)) {
      throw new ModelConfigError([
        `embedder: "offline:${parsed.name}" names no dimension; write offline:384`,
      ]);
    }
    return offline(size, 'asked for', logger, stderr);
  }
  if (parsed.config.provider === 'anthropic') {
    throw new ModelConfigError([
      'embedder: Anthropic has no embeddings API; use openai:, ollama:, vllm:, dashscope: or compatible:',
    ]);
  }
  const resolved = resolveModel(parsed.config, env);
  const known = KNOWN[resolved.model.replace(/:.*$/, '')];
  const dimensions = options.dimensions ?? known;
  if (dimensions === undefined) {
    throw new ModelConfigError([
      `dimensions: the size of ${resolved.id}'s vectors is not known here; pass dimensions (the model's output size)`,
    ]);
  }
  return new OpenAIEmbedder(
    resolved,
    {
      dimensions,
      askDimensions:
        resolved.wire === 'openai' &&
        options.dimensions !== undefined &&
        /^text-embedding-3/.test(resolved.model),
      maxBatch: options.maxBatch ?? 256,
    },
    logger,
  );
}

function offline(dimensions: number | undefined, reason: string, logger: Logger, stderr: TextSink): Embedder {
  const embedder = offlineEmbedder(dimensions === undefined ? {} : { dimensions });
  announceOfflineEmbedder(embedder.id, reason, logger, stderr);
  return embedder;
}
