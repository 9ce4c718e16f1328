import { createHash } from 'node:crypto';
import type { Logger } from '../../core/logger.ts';
import type {
  ChatMessage,
  ChatModel,
  ChatRequest,
  ChatResponse,
  JsonSchema,
  ToolCall,
  ToolDefinition,
} from './chat-model.ts';
import { parseJsonAnswer } from './json-answer.ts';
import { announceOffline, sinkLogger, type TextSink } from './offline-banner.ts';
import { sampleJsonSchema } from './schema-sample.ts';

export interface OfflineModelOptions {
  /** The id becomes `offline:<name>` (default `fallback`). */
  readonly name?: string;
  /** Why the offline model is used, for the banner. */
  readonly reason?: string;
  /** Gets the warn line; by default it is written as a JSON line to `stderr`. */
  readonly logger?: Logger;
  /** Gets the banner (default `process.stderr`). */
  readonly stderr?: TextSink;
  /**
   * Canned answers of a domain (a scenario pack's rules of thumb): the text to
   * answer a request with, or undefined for the generic answer. Must be
   * deterministic, like the rest of the model.
   */
  readonly answer?: (request: ChatRequest) => string | undefined;
}

/**
 * A model that needs no key and no network, to run scenarios anywhere. It is
 * a documented fallback, not a model: its answers are canned, and creating it
 * prints a banner on stderr and a warn line in the log. Deterministic (the
 * same request gives the same answer, ids included), and useful enough to
 * drive an agent end to end:
 *
 * - tools offered and the last message from the user: it calls the tool
 *   whose name and description share most words with the user's message,
 *   with arguments made from the tool's JSON Schema;
 * - a structured-output request (`responseFormat`, or a JSON Schema written
 *   in the prompt after the words "JSON Schema"): a schema-valid object;
 * - otherwise a short text that says it is offline (and what a tool
 *   answered, after tool results).
 *
 * A scenario can give it canned answers of its own (`answer`), so a demo
 * shows something of its domain; they are still canned, and still announced.
 *
 * `chatModel(spec, { fallback: 'offline' })` picks it only when nothing at
 * all is configured; `chatModel('offline')` asks for it outright.
 *
 * @example
 * const model = offlineModel({ reason: 'demo without a key' });
 * const answer = await model.chat({ messages: [{ role: 'user', content: 'hello' }] });
 */
export function offlineModel(options: OfflineModelOptions = {}): ChatModel {
  const model = new OfflineModel(options.name ?? 'fallback', options.answer);
  const stderr = options.stderr ?? process.stderr;
  announceOffline(model.id, options.reason ?? 'asked for', options.logger ?? sinkLogger(stderr), stderr);
  return model;
}

class OfflineModel implements ChatModel {
  readonly id: string;
  readonly offline = true;
  readonly #answer: ((request: ChatRequest) => string | undefined) | undefined;

  constructor(name: string, answer: ((request: ChatRequest) => string | undefined) | undefined) {
    this.id = `offline:${name}`;
    this.#answer = answer;
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    request.signal?.throwIfAborted();
    const digest = createHash('sha256')
      .update(JSON.stringify([request.messages, request.tools ?? [], request.responseFormat ?? null]))
      .digest('hex');
    const words = lastUserText(request.messages);
    const tools = request.tools ?? [];
    const last = request.messages.at(-1);
    let content = '';
    const toolCalls: ToolCall[] = [];
    const canned = this.#answer?.(request);
    if (canned !== undefined) {
      content = canned;
    } else if (tools.length > 0 && last?.role === 'user') {
      const tool = bestTool(tools, words);
      toolCalls.push({
        id: `offline_${digest.slice(0, 16)}`,
        name: tool.name,
        arguments: JSON.stringify(sampleJsonSchema(tool.parameters, excerpt(words, 80))),
      });
    } else {
      const schema = request.responseFormat?.schema ?? schemaInPrompt(request.messages);
      content =
        schema === undefined
          ? textAnswer(request.messages, words)
          : JSON.stringify(sampleJsonSchema(schema, excerpt(words, 80)));
    }
    const output = content + toolCalls.map((c) => c.name + c.arguments).join('');
    return {
      content,
      toolCalls,
      stopReason: toolCalls.length > 0 ? 'tool_calls' : 'end',
      usage: { inputTokens: tokens(JSON.stringify(request.messages)), outputTokens: tokens(output) },
      model: this.id,
    };
  }
}

function textAnswer(messages: readonly ChatMessage[], words: string): string {
  const results: string[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role !== 'tool') break;
    results.unshift(
      `${message.name} ${message.isError === true ? 'failed' : 'answered'}: ${excerpt(message.content, 200)}`,
    );
  }
  if (results.length > 0) return `Offline model (no LLM configured). ${results.join('; ')}`;
  return `Offline model (no LLM configured): received "${excerpt(words, 120)}". Configure a real model for real answers.`;
}

/** The tool sharing most words with the request; the first one offered on a tie. */
function bestTool(tools: readonly ToolDefinition[], text: string): ToolDefinition {
  const asked = new Set(wordsOf(text));
  let best = tools[0] as ToolDefinition;
  let bestScore = -1;
  for (const tool of tools) {
    const score = new Set(wordsOf(`${tool.name} ${tool.description}`).filter((w) => asked.has(w))).size;
    if (score > bestScore) {
      best = tool;
      bestScore = score;
    }
  }
  return best;
}

function wordsOf(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3);
}

function lastUserText(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}

/** A schema written in the prompt ("... matching this JSON Schema: {...}"), the latest one. */
function schemaInPrompt(messages: readonly ChatMessage[]): JsonSchema | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message === undefined || (message.role !== 'system' && message.role !== 'user')) continue;
    const at = message.content.search(/json schema/i);
    if (at === -1) continue;
    const found = parseJsonAnswer(message.content.slice(at));
    const value = found.ok ? found.value : undefined;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonSchema;
  }
  return undefined;
}

function excerpt(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** About four characters a token, as tokenizers average on English. */
function tokens(text: string): number {
  return Math.ceil(text.length / 4);
}
