import { announceLoudly, type TextSink } from '../../agents/models/offline-banner.ts';
import type { Logger } from '../../core/logger.ts';

/**
 * Says loudly that the offline embedder is in use, as the offline chat model
 * is announced: a warn line in the log and a banner on stderr, so nobody
 * mistakes word-hashing similarity for a model's.
 */
export function announceOfflineEmbedder(id: string, reason: string, logger: Logger, stderr: TextSink): void {
  announceLoudly(logger, stderr, {
    fields: { embedder: id, reason },
    message: 'OFFLINE EMBEDDER in use: vectors hash the words of a text, they come from no embedding model',
    lines: [
      `eddy: OFFLINE EMBEDDER "${id}" IN USE (${reason})`,
      'Texts that share words come out similar; meaning and synonyms do not count.',
      'For real embeddings set OPENAI_API_KEY (with OPENAI_BASE_URL for a compatible',
      "server) or OLLAMA_HOST, and choose one: 'openai:text-embedding-3-small',",
      "'ollama:nomic-embed-text' (or set EDDY_EMBEDDER).",
    ],
  });
}
