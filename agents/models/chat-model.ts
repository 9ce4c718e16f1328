/**
 * The one interface every chat model provider implements (Anthropic, OpenAI,
 * OpenAI-compatible endpoints, the offline model). Messages and responses are
 * plain JSON-compatible data, so an agent can journal them as they are.
 */

/** JSON Schema of a tool's input, as the model sees it (an object schema). */
export type JsonSchema = { readonly [k: string]: unknown };

/** What the model is told about a tool. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  readonly parameters: JsonSchema;
}

/** A tool call the model asked for. `arguments` is the raw text: it may be malformed. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

export type ChatMessage =
  | { readonly role: 'system'; readonly content: string }
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly toolCalls?: readonly ToolCall[] }
  | {
      readonly role: 'tool';
      readonly toolCallId: string;
      readonly name: string;
      readonly content: string;
      /** The call failed (bad arguments, tool error, denied): the model is told so. */
      readonly isError?: boolean;
    };

/** Sampling and limits; providers ignore what they do not support (top-k on OpenAI). */
export interface ChatParameters {
  readonly temperature?: number;
  readonly topP?: number;
  readonly topK?: number;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
}

export interface ChatRequest {
  readonly messages: readonly ChatMessage[];
  readonly tools?: readonly ToolDefinition[];
  /** Ask for JSON matching this schema (structured output); the answer's `content` holds it. */
  readonly responseFormat?: { readonly name: string; readonly schema: JsonSchema };
  readonly parameters?: ChatParameters;
  readonly signal?: AbortSignal;
  /**
   * Who asks: the agent and key an agent's model step sets, for budgets and
   * routing. Never sent to the provider.
   */
  readonly caller?: { readonly agent: string; readonly key: string };
}

export interface Usage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export type StopReason = 'end' | 'tool_calls' | 'max_tokens' | 'stop_sequence' | 'other';

export interface ChatResponse {
  /** The answer text with reasoning blocks (`<think>…</think>`) removed. */
  readonly content: string;
  /** Reasoning the model showed, kept for the trace. */
  readonly reasoning?: string;
  readonly toolCalls: readonly ToolCall[];
  readonly stopReason: StopReason;
  readonly usage: Usage;
  /** `provider:model` that answered. */
  readonly model: string;
}

/**
 * A chat model. Implementations retry transient failures (429, 5xx, timeouts)
 * themselves and reject with a typed error after the last attempt.
 *
 * @example
 * const model = chatModel('anthropic:claude-sonnet-4-5');
 * const answer = await model.chat({ messages: [{ role: 'user', content: 'Hello' }] });
 */
export interface ChatModel {
  /** `provider:model`, e.g. `openai:gpt-4o-mini`. */
  readonly id: string;
  /** True only for the offline fallback model. */
  readonly offline: boolean;
  chat(request: ChatRequest): Promise<ChatResponse>;
}
