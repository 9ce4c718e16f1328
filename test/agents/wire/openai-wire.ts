import { bodyOf, type WireReply, type WireRequest, type WireScript, WireServer } from './wire-server.ts';

/** One assistant turn, as a Chat Completions response will carry it. */
export interface OpenAITurn {
  /** `null` is what OpenAI sends next to tool calls. */
  readonly content?: string | null;
  /** `arguments` is raw text on the wire, malformed or not; an object is sent as it is (Ollama-style). */
  readonly toolCalls?: readonly {
    /** `null` leaves the field out, as some compatible servers do. */
    readonly id?: string | null;
    readonly name: string;
    readonly arguments: unknown;
  }[];
  /** Default: `tool_calls` with tool calls, else `stop`. */
  readonly finishReason?: string;
  /** Reasoning in the DeepSeek/DashScope/vLLM field. */
  readonly reasoningContent?: string;
  readonly refusal?: string;
  readonly usage?: { readonly prompt: number; readonly completion: number };
  /** Default: the model the request named. */
  readonly model?: string;
}

let completions = 0;

/** A 200 with a `chat.completion` object, as `POST /v1/chat/completions` returns it. */
export function openaiCompletion(turn: OpenAITurn): WireReply {
  const id = `chatcmpl-wire${++completions}`;
  const calls = turn.toolCalls ?? [];
  return {
    kind: 'json',
    status: 200,
    headers: { 'x-request-id': `req_wire_${completions}` },
    body: (request: WireRequest) => ({
      id,
      object: 'chat.completion',
      created: 1_700_000_000 + completions,
      model: turn.model ?? bodyOf(request).model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: turn.content === undefined ? (calls.length > 0 ? null : '') : turn.content,
            refusal: turn.refusal ?? null,
            annotations: [],
            ...(turn.reasoningContent === undefined ? {} : { reasoning_content: turn.reasoningContent }),
            ...(calls.length === 0
              ? {}
              : {
                  tool_calls: calls.map((call, i) => ({
                    ...(call.id === null ? {} : { id: call.id ?? `call_wire_${completions}_${i}` }),
                    type: 'function',
                    function: { name: call.name, arguments: call.arguments },
                  })),
                }),
          },
          logprobs: null,
          finish_reason: turn.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop'),
        },
      ],
      usage: {
        prompt_tokens: turn.usage?.prompt ?? 0,
        completion_tokens: turn.usage?.completion ?? 0,
        total_tokens: (turn.usage?.prompt ?? 0) + (turn.usage?.completion ?? 0),
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_wire',
    }),
  };
}

const errorTypes: Readonly<Record<number, { readonly type: string; readonly code: string | null }>> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: null },
};

/** The Chat Completions error body: `{ error: { message, type, param, code } }`. */
export function openaiErrorBody(status: number, message: string): unknown {
  const known = errorTypes[status] ?? { type: 'server_error', code: null };
  return { error: { message, type: known.type, param: null, code: known.code } };
}

/** An error reply; `headers` for `retry-after` and friends. */
export function openaiError(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): WireReply {
  return { kind: 'json', status, body: openaiErrorBody(status, message), headers };
}

/**
 * A loopback server speaking OpenAI Chat Completions (`POST
 * /v1/chat/completions`), which Ollama, vLLM and DashScope speak too. Point
 * a model at it with `baseURL: server.baseURL` (it ends in `/v1`).
 *
 * @example
 * const server = await startOpenAIServer((request) => openaiCompletion({ content: 'hi' }));
 * const model = chatModel({ provider: 'openai', model: 'gpt-test', baseURL: server.baseURL, apiKey: 'k' });
 */
export function startOpenAIServer(
  script?: WireScript,
  options: { readonly record?: boolean } = {},
): Promise<WireServer> {
  return WireServer.start({
    path: '/v1/chat/completions',
    basePath: '/v1',
    errorBody: openaiErrorBody,
    ...(script === undefined ? {} : { script }),
    ...(options.record === undefined ? {} : { record: options.record }),
  });
}

/** A 200 with an embeddings list, as `POST /v1/embeddings` returns it: one vector per input, `dimensions` long. */
export function openaiEmbeddings(vectorOf: (text: string, i: number) => readonly number[]): WireReply {
  return {
    kind: 'json',
    status: 200,
    body: (request: WireRequest) => {
      const input = bodyOf(request).input;
      const texts = Array.isArray(input) ? input.map(String) : [String(input)];
      return {
        object: 'list',
        model: bodyOf(request).model,
        data: texts.map((t, index) => ({ object: 'embedding', index, embedding: vectorOf(t, index) })),
        usage: {
          prompt_tokens: texts.join(' ').split(/\s+/).length,
          total_tokens: texts.join(' ').split(/\s+/).length,
        },
      };
    },
  };
}

/** A loopback server speaking OpenAI embeddings (`POST /v1/embeddings`), as Ollama and vLLM do too. */
export function startEmbeddingsServer(script?: WireScript): Promise<WireServer> {
  return WireServer.start({
    path: '/v1/embeddings',
    basePath: '/v1',
    errorBody: openaiErrorBody,
    ...(script === undefined ? {} : { script }),
  });
}
