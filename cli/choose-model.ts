import { silentLogger } from 'eddy';
import {
  type ChatModel,
  type ChatRequest,
  chatModel,
  MissingApiKeyError,
  ModelConfigError,
  modelEnvSet,
  offlineModel,
} from 'eddy/agents';
import { type Embedder, embedderFor, offlineEmbedder } from 'eddy/memory';
import { configError } from './cli-errors.ts';

/** The one loud line a run on the offline model starts with (and its summary repeats). */
export const OFFLINE_LINE =
  '!! eddy: OFFLINE MODEL: no LLM is configured, answers are canned rules of thumb. ' +
  "For a real one: --model anthropic:<model> (or openai:, ollama:, …) with the provider's key, or set EDDY_MODEL.";

/**
 * The model a pack runs on: `--model`, else `EDDY_MODEL` and the provider
 * env vars, else (nothing configured at all) the offline model with the
 * pack's canned answers. A broken configuration is an error, never a quiet
 * fallback.
 */
export function chooseModel(
  spec: string | undefined,
  env: NodeJS.ProcessEnv,
  pack: { readonly name: string; readonly offlineAnswer?: (request: ChatRequest) => string | undefined },
): ChatModel {
  if (spec !== undefined || modelEnvSet(env).length > 0) {
    try {
      return chatModel(spec, { env });
    } catch (error) {
      if (error instanceof ModelConfigError || error instanceof MissingApiKeyError)
        throw configError(error.message);
      throw error;
    }
  }
  // The CLI says it in one line of its own; the model's box banner would say it twice.
  return offlineModel({
    name: pack.name,
    reason: 'no model configured',
    logger: silentLogger,
    stderr: { write: () => true },
    ...(pack.offlineAnswer ? { answer: pack.offlineAnswer } : {}),
  });
}

/** The line a pack with memory adds when its embedder is the offline one. */
export const OFFLINE_EMBEDDER_LINE =
  '!! eddy: OFFLINE EMBEDDER: memory recalls by hashed words, not meaning. For a real one set EDDY_EMBEDDER ' +
  '(e.g. openai:text-embedding-3-small, ollama:nomic-embed-text).';

/** The embedder: `EDDY_EMBEDDER` when set (a broken one is an error), else the offline one. */
export function chooseEmbedder(env: NodeJS.ProcessEnv): Embedder {
  if (env.EDDY_EMBEDDER?.trim()) {
    try {
      return embedderFor(undefined, { env });
    } catch (error) {
      if (error instanceof ModelConfigError || error instanceof MissingApiKeyError)
        throw configError(error.message);
      throw error;
    }
  }
  return offlineEmbedder();
}
