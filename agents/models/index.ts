/**
 * Chat models: one interface over Anthropic, OpenAI and OpenAI-compatible
 * endpoints (Ollama, vLLM, DashScope), plus an offline fallback; helpers for
 * structured output, tool arguments, reasoning text and cost.
 *
 * @example
 * import { chatModel, structured } from 'eddy/agents';
 * const model = chatModel('openai:gpt-4o-mini');
 */

export { BudgetExceededError } from './budget/budget-exceeded-error.ts';
export { type Budget, type BudgetOptions, budgeted } from './budget/budgeted-model.ts';
export { cachedModel, callKey, type ModelCacheOptions } from './cache/cached-model.ts';
export type {
  ChatMessage,
  ChatModel,
  ChatParameters,
  ChatRequest,
  ChatResponse,
  JsonSchema,
  StopReason,
  ToolCall,
  ToolDefinition,
  Usage,
} from './chat-model.ts';
export { type ChatModelOptions, chatModel, modelEnvSet } from './chat-model-factory.ts';
export { costOf, priceOf } from './cost.ts';
export { type JsonAnswer, parseJsonAnswer } from './json-answer.ts';
export { MissingApiKeyError } from './missing-api-key-error.ts';
export { ModelCallError, type ModelCallFailure } from './model-call-error.ts';
export { type ModelConfig, modelConfigSchema, type ProviderName, providerNames } from './model-config.ts';
export { ModelConfigError } from './model-config-error.ts';
export type { TextSink } from './offline-banner.ts';
export { type OfflineModelOptions, offlineModel } from './offline-model.ts';
export { defaultPrices, type ModelPrice, type PriceTable } from './prices.ts';
export { type SplitText, splitReasoning } from './reasoning.ts';
export { defaultRetryPolicy, type RetryPolicy } from './retry.ts';
export {
  type ModelRoute,
  type ModelRouterOptions,
  modelRouter,
  requestChars,
} from './routing/model-router.ts';
export { sampleJsonSchema } from './schema-sample.ts';
export { jsonSchemaOf, type Structured, type StructuredRequest, structured } from './structured.ts';
export { StructuredOutputError } from './structured-output-error.ts';
export { type ArgumentIssue, parseToolArguments, type ToolArguments } from './tool-call-arguments.ts';
export { sumUsage } from './usage.ts';
