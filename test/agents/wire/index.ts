export {
  type AnthropicTurn,
  anthropicError,
  anthropicErrorBody,
  anthropicMessage,
  startAnthropicServer,
} from './anthropic-wire.ts';
export {
  type OpenAITurn,
  openaiCompletion,
  openaiEmbeddings,
  openaiError,
  openaiErrorBody,
  startEmbeddingsServer,
  startOpenAIServer,
} from './openai-wire.ts';
export {
  bodyOf,
  type WireReply,
  type WireRequest,
  type WireScript,
  WireServer,
  type WireServerOptions,
} from './wire-server.ts';
