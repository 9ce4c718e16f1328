import { bodyOf, type WireReply, type WireRequest, type WireScript, WireServer } from './wire-server.ts';

/** One assistant turn, as an Anthropic Messages response will carry it. */
export interface AnthropicTurn {
  readonly text?: string;
  /** An extended-thinking block before the text. */
  readonly thinking?: string;
  /** `input` is normally an object; anything else is sent as it is. */
  readonly toolUses?: readonly { readonly id?: string; readonly name: string; readonly input: unknown }[];
  /** Default: `tool_use` with tool uses, else `end_turn`. */
  readonly stopReason?: string;
  readonly usage?: { readonly input: number; readonly output: number };
  /** Default: the model the request named. */
  readonly model?: string;
}

let messages = 0;

/** A 200 with a Messages API `message` object, as `POST /v1/messages` returns it. */
export function anthropicMessage(turn: AnthropicTurn): WireReply {
  const id = `msg_wire_${++messages}`;
  const uses = turn.toolUses ?? [];
  return {
    kind: 'json',
    status: 200,
    headers: { 'request-id': `req_wire_${messages}` },
    body: (request: WireRequest) => ({
      id,
      type: 'message',
      role: 'assistant',
      model: turn.model ?? bodyOf(request).model,
      content: [
        ...(turn.thinking === undefined
          ? []
          : [{ type: 'thinking', thinking: turn.thinking, signature: 'c2lnbmF0dXJl' }]),
        ...(turn.text === undefined ? [] : [{ type: 'text', text: turn.text }]),
        ...uses.map((use, i) => ({
          type: 'tool_use',
          id: use.id ?? `toolu_wire_${messages}_${i}`,
          name: use.name,
          input: use.input,
          caller: { type: 'direct' },
        })),
      ],
      stop_reason: turn.stopReason ?? (uses.length > 0 ? 'tool_use' : 'end_turn'),
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: {
        input_tokens: turn.usage?.input ?? 0,
        output_tokens: turn.usage?.output ?? 0,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        cache_creation: null,
        inference_geo: null,
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: 'standard',
        speed: null,
      },
    }),
  };
}

const errorTypes: Readonly<Record<number, string>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

/** The Messages API error body: `{ type: 'error', error: { type, message }, request_id }`. */
export function anthropicErrorBody(status: number, message: string): unknown {
  return {
    type: 'error',
    error: { type: errorTypes[status] ?? 'api_error', message },
    request_id: `req_wire_error_${status}`,
  };
}

/** An error reply; `headers` for `retry-after` and friends. */
export function anthropicError(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): WireReply {
  return { kind: 'json', status, body: anthropicErrorBody(status, message), headers };
}

/**
 * A loopback server speaking Anthropic's Messages API (`POST /v1/messages`).
 * Point a model at it with `baseURL: server.baseURL`.
 *
 * @example
 * const server = await startAnthropicServer();
 * server.reply(anthropicMessage({ text: 'hi', usage: { input: 5, output: 1 } }));
 * const model = chatModel({ provider: 'anthropic', model: 'claude-test', baseURL: server.baseURL, apiKey: 'k' });
 */
export function startAnthropicServer(script?: WireScript): Promise<WireServer> {
  return WireServer.start({
    path: '/v1/messages',
    basePath: '',
    errorBody: anthropicErrorBody,
    ...(script === undefined ? {} : { script }),
  });
}
