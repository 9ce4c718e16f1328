import Anthropic from '@anthropic-ai/sdk';
import type { Logger } from '../../core/logger.ts';
import { anthropicMessages, anthropicTools, fromAnthropic } from './anthropic-messages.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './chat-model.ts';
import type { ResolvedModel } from './resolve-model.ts';
import { sdkChatCall } from './sdk-call.ts';

/** Anthropic requires max_tokens; this is used when neither the config nor the request sets one. */
export const anthropicDefaultMaxTokens = 4096;

/** Sampling fields the API takes for the models that have them; the SDK's types no longer list them. */
type Sampling = { temperature?: number; top_p?: number; top_k?: number };

/**
 * Anthropic's Messages API through `@anthropic-ai/sdk`, with the SDK's own
 * retries off: our loop retries, the same way for every provider.
 */
export class AnthropicModel implements ChatModel {
  readonly id: string;
  readonly offline = false;
  readonly #resolved: ResolvedModel;
  readonly #client: Anthropic;
  readonly #logger: Logger;

  constructor(resolved: ResolvedModel, logger: Logger) {
    this.id = resolved.id;
    this.#resolved = resolved;
    this.#logger = logger;
    this.#client = new Anthropic({
      apiKey: resolved.apiKey,
      baseURL: resolved.baseURL,
      timeout: resolved.timeoutMs,
      maxRetries: 0,
      defaultHeaders: { ...resolved.headers },
    });
  }

  chat(request: ChatRequest): Promise<ChatResponse> {
    const resolved = this.#resolved;
    const body = this.#body(request);
    return sdkChatCall(
      resolved,
      this.#logger,
      request,
      Anthropic,
      (options) => this.#client.messages.create(body, options),
      (raw, structured) => fromAnthropic(raw, resolved.provider, resolved.model, structured),
    );
  }

  #body(request: ChatRequest): Anthropic.MessageCreateParamsNonStreaming & Sampling {
    const p = { ...this.#resolved.defaults, ...request.parameters };
    const { system, messages } = anthropicMessages(request.messages);
    return {
      model: this.#resolved.model,
      max_tokens: p.maxTokens ?? anthropicDefaultMaxTokens,
      messages,
      ...(system === undefined ? {} : { system }),
      ...(request.tools === undefined || request.tools.length === 0
        ? {}
        : { tools: anthropicTools(request.tools) }),
      ...(p.temperature === undefined ? {} : { temperature: p.temperature }),
      ...(p.topP === undefined ? {} : { top_p: p.topP }),
      ...(p.topK === undefined ? {} : { top_k: p.topK }),
      ...(p.stop === undefined || p.stop.length === 0 ? {} : { stop_sequences: [...p.stop] }),
      ...(request.responseFormat === undefined
        ? {}
        : {
            output_config: { format: { type: 'json_schema', schema: { ...request.responseFormat.schema } } },
          }),
    };
  }
}
