/**
 * `eddy/memory`: long-term memory (PostgreSQL + pgvector, and PGlite's vector
 * extension for the embedded default) and embedders.
 *
 * @example
 * ```ts
 * import { embedderFor, sqlMemory } from 'eddy/memory';
 * ```
 */
export { sqlMemory } from '../connectors/sql/sql-memory.ts';
export {
  type ActorMemory,
  actorMemory,
  forget,
  type RecalledMemory,
  type RecallOptions,
  type RememberItem,
  recall,
  remember,
} from './actor/actor-memory.ts';
export { contextRetriever } from './agents/context-retriever.ts';
export { type MemoryToolsOptions, memoryTools } from './agents/memory-tools.ts';
export type { Embedder, Embeddings } from './embedders/embedder.ts';
export { type EmbedderOptions, embedderFor } from './embedders/embedder-for.ts';
export { offlineEmbedder } from './embedders/offline-embedder.ts';
export { OpenAIEmbedder } from './embedders/openai-embedder.ts';
export { defineModel, type ModelDefinition, ModelRegistry } from './functions/define-model.ts';
export { type EmbedOptions, embed } from './functions/embed.ts';
export type { ModelFunction } from './functions/model-function.ts';
export { type Predicted, type PredictOptions, predict } from './functions/predict.ts';
export { type UpsertVectorsOptions, upsertVectors } from './functions/upsert-vectors.ts';
export { type Match, type VectorSearchOptions, vectorSearch } from './functions/vector-search.ts';
export {
  classify,
  extract,
  type SentimentResult,
  sentiment,
  summarize,
  type TextFunctionOptions,
  translate,
} from './functions/verticals.ts';
export type { CollectionSpec, LongTermMemory, MemoryCollection } from './long-term/long-term-memory.ts';
export { MemoryCollectionError, MemoryInputError } from './long-term/memory-errors.ts';
export type {
  MemoryDelete,
  MemoryRecord,
  MemoryUpsert,
  MemoryWrite,
  Recalled,
  RecallQuery,
  WriteOutcome,
} from './long-term/memory-record.ts';
export { keyNamespace } from './long-term/namespace.ts';
