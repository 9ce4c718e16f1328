import type Anthropic from '@anthropic-ai/sdk';
import { z } from 'zod';
import type { ChatMessage, ChatResponse, StopReason, ToolCall, ToolDefinition } from './chat-model.ts';
import { joinReasoning, splitReasoning } from './reasoning.ts';
import { structuredContent } from './structured-content.ts';

type BlockParam = Anthropic.ContentBlockParam;

/** Our conversation as Anthropic wants it: system prompts apart, tool results as user turns. */
export function anthropicMessages(messages: readonly ChatMessage[]): {
  readonly system: string | undefined;
  readonly messages: Anthropic.MessageParam[];
} {
  const system: string[] = [];
  const turns: { role: 'user' | 'assistant'; blocks: BlockParam[] }[] = [];
  const push = (role: 'user' | 'assistant', blocks: BlockParam[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    // Results of parallel calls must come back in one user turn; merging keeps roles alternating too.
    if (last?.role === role) last.blocks.push(...blocks);
    else turns.push({ role, blocks });
  };
  for (const message of messages) {
    switch (message.role) {
      case 'system':
        system.push(message.content);
        break;
      case 'user':
        push('user', text(message.content));
        break;
      case 'assistant':
        push('assistant', [
          ...text(message.content),
          ...(message.toolCalls ?? []).map(
            (call): BlockParam => ({
              type: 'tool_use',
              id: call.id,
              name: call.name,
              input: toolInput(call),
            }),
          ),
        ]);
        break;
      case 'tool':
        push('user', [
          {
            type: 'tool_result',
            tool_use_id: message.toolCallId,
            content: message.content,
            ...(message.isError === true ? { is_error: true } : {}),
          },
        ]);
        break;
    }
  }
  return {
    system: system.length === 0 ? undefined : system.join('\n\n'),
    messages: turns.map((turn) => ({ role: turn.role, content: turn.blocks })),
  };
}

export function anthropicTools(tools: readonly ToolDefinition[]): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { ...tool.parameters, type: 'object' },
  }));
}

// Empty text blocks are refused by the API.
function text(content: string): BlockParam[] {
  return content === '' ? [] : [{ type: 'text', text: content }];
}

/** Anthropic takes an object; arguments that were never valid JSON go back as `{}` (the tool error says why). */
function toolInput(call: ToolCall): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(call.arguments === '' ? '{}' : call.arguments);
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // falls through to {}
  }
  return {};
}

const block = z.looseObject({ type: z.string() });
const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const thinkingBlock = z.looseObject({ type: z.literal('thinking'), thinking: z.string() });
const toolUseBlock = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});
const messageSchema = z.looseObject({
  content: z.array(block),
  model: z.string().nullish(),
  stop_reason: z.string().nullish(),
  usage: z.looseObject({ input_tokens: z.number().nullish(), output_tokens: z.number().nullish() }).nullish(),
});

/** An Anthropic Message as our ChatResponse, or why it is not one. */
export function fromAnthropic(
  raw: unknown,
  provider: string,
  fallbackModel: string,
  structured: boolean,
): ChatResponse | { readonly error: string } {
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success)
    return { error: `not an Anthropic message (${z.prettifyError(parsed.error).slice(0, 200)})` };
  const message = parsed.data;
  const texts: string[] = [];
  const thoughts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const item of message.content) {
    const asText = textBlock.safeParse(item);
    if (asText.success) texts.push(asText.data.text);
    const asThinking = thinkingBlock.safeParse(item);
    if (asThinking.success) thoughts.push(asThinking.data.thinking);
    const asToolUse = toolUseBlock.safeParse(item);
    if (asToolUse.success) {
      const input = asToolUse.data.input;
      // The API sends an object; a gateway that passes a string through gets it passed on raw.
      const args = typeof input === 'string' ? input : JSON.stringify(input ?? {});
      toolCalls.push({ id: asToolUse.data.id, name: asToolUse.data.name, arguments: args });
    }
  }
  const split = splitReasoning(texts.join(''));
  const reasoning = joinReasoning([...thoughts, split.reasoning]);
  const model =
    message.model === undefined || message.model === null || message.model === ''
      ? fallbackModel
      : message.model;
  return {
    content: structured ? structuredContent(split.content) : split.content,
    ...(reasoning === undefined ? {} : { reasoning }),
    toolCalls,
    stopReason: stopReason(message.stop_reason, toolCalls.length),
    usage: {
      inputTokens: message.usage?.input_tokens ?? 0,
      outputTokens: message.usage?.output_tokens ?? 0,
    },
    model: `${provider}:${model}`,
  };
}

function stopReason(reason: string | null | undefined, calls: number): StopReason {
  // Cut short wins over tool use: the last call's input may be incomplete.
  if (reason === 'max_tokens') return 'max_tokens';
  if (reason === 'tool_use' || calls > 0) return 'tool_calls';
  if (reason === 'end_turn') return 'end';
  if (reason === 'stop_sequence') return 'stop_sequence';
  return 'other';
}
