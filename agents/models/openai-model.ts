import OpenAI from 'openai';
import type { Logger } from '../../core/logger.ts';
import type { ChatModel, ChatRequest, ChatResponse } from './chat-model.ts';
import { openaiClient } from './openai-client.ts';
import { fromOpenAI, openaiMessages, openaiTools } from './openai-messages.ts';
import type { ResolvedModel } from './resolve-model.ts';
import { sdkChatCall } from './sdk-call.ts';

/** `top_k` is not OpenAI's; Ollama, vLLM and DashScope take it in the body. */
type Extra = { top_k?: number };

/**
 * OpenAI Chat Completions through the `openai` SDK, for OpenAI itself and
 * for compatible servers (Ollama, vLLM, DashScope, any base URL). The
 * dialects differ in two fields: OpenAI takes `max_completion_tokens` and no
 * `top_k`; compatible servers take `max_tokens` and `top_k`. The SDK's own
 * retries are off: our loop retries, the same way for every provider.
 */
export class OpenAIModel implements ChatModel {
  readonly id: string;
  readonly offline = false;
  readonly #resolved: ResolvedModel;
  readonly #client: OpenAI;
  readonly #logger: Logger;

  constructor(resolved: ResolvedModel, logger: Logger) {
    this.id = resolved.id;
    this.#resolved = resolved;
    this.#logger = logger;
    this.#client = openaiClient(resolved);
  }

  chat(request: ChatRequest): Promise<ChatResponse> {
    const resolved = this.#resolved;
    const body = this.#body(request);
    return sdkChatCall(
      resolved,
      this.#logger,
      request,
      OpenAI,
      (options) => this.#client.chat.completions.create(body, options),
      (raw, structured) => fromOpenAI(raw, resolved.provider, resolved.model, structured),
    );
  }

  #body(request: ChatRequest): OpenAI.ChatCompletionCreateParamsNonStreaming & Extra {
    const p = { ...this.#resolved.defaults, ...request.parameters };
    const openai = this.#resolved.wire === 'openai';
    const format = request.responseFormat;
    return {
      model: this.#resolved.model,
      messages: openaiMessages(request.messages),
      ...(request.tools === undefined || request.tools.length === 0
        ? {}
        : { tools: openaiTools(request.tools) }),
      ...(p.temperature === undefined ? {} : { temperature: p.temperature }),
      ...(p.topP === undefined ? {} : { top_p: p.topP }),
      ...(p.topK === undefined || openai ? {} : { top_k: p.topK }),
      ...(p.maxTokens === undefined
        ? {}
        : openai
          ? { max_completion_tokens: p.maxTokens }
          : { max_tokens: p.maxTokens }),
      ...(p.stop === undefined || p.stop.length === 0 ? {} : { stop: [...p.stop] }),
      ...(format === undefined
        ? {}
        : {
            response_format: {
              type: 'json_schema',
              json_schema: { name: schemaName(format.name), schema: { ...format.schema } },
            },
          }),
    };
  }
}

/** OpenAI wants `^[a-zA-Z0-9_-]{1,64}$`. */
function schemaName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
  return cleaned === '' ? 'answer' : cleaned;
}
