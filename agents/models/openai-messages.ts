import type OpenAI from 'openai';
import { z } from 'zod';
import type { ChatMessage, ChatResponse, StopReason, ToolCall, ToolDefinition } from './chat-model.ts';
import { joinReasoning, splitReasoning } from './reasoning.ts';
import { structuredContent } from './structured-content.ts';

type MessageParam = OpenAI.ChatCompletionMessageParam;

/** Our conversation as Chat Completions messages. */
export function openaiMessages(messages: readonly ChatMessage[]): MessageParam[] {
  return messages.map(openaiMessage);
}

function openaiMessage(message: ChatMessage): MessageParam {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // Some compatible servers refuse "" next to tool calls; null is what OpenAI sends itself.
        content: message.content === '' ? null : message.content,
        tool_calls: calls.map((call) => ({
          id: call.id,
          type: 'function' as const,
          function: { name: call.name, arguments: call.arguments },
        })),
      };
    }
    case 'tool':
      // Chat Completions has no error flag on tool results: the model reads it in the text.
      return {
        role: 'tool',
        tool_call_id: message.toolCallId,
        content: message.isError === true ? `Error: ${message.content}` : message.content,
      };
  }
}

export function openaiTools(tools: readonly ToolDefinition[]): OpenAI.ChatCompletionFunctionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: { name: tool.name, description: tool.description, parameters: { ...tool.parameters } },
  }));
}

const toolCallSchema = z.looseObject({
  id: z.string().nullish(),
  type: z.string().nullish(),
  function: z.looseObject({ name: z.string(), arguments: z.unknown() }).nullish(),
  custom: z.looseObject({ name: z.string(), input: z.unknown() }).nullish(),
});
const completionSchema = z.looseObject({
  model: z.string().nullish(),
  choices: z
    .array(
      z.looseObject({
        finish_reason: z.string().nullish(),
        message: z.looseObject({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          // Not OpenAI's: DeepSeek, DashScope and vLLM send reasoning_content, Ollama sends reasoning.
          reasoning_content: z.string().nullish(),
          reasoning: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
      }),
    )
    .min(1),
  usage: z
    .looseObject({ prompt_tokens: z.number().nullish(), completion_tokens: z.number().nullish() })
    .nullish(),
});

/** A chat completion as our ChatResponse, or why it is not one. */
export function fromOpenAI(
  raw: unknown,
  provider: string,
  fallbackModel: string,
  structured: boolean,
): ChatResponse | { readonly error: string } {
  const parsed = completionSchema.safeParse(raw);
  if (!parsed.success)
    return { error: `not a chat completion (${z.prettifyError(parsed.error).slice(0, 200)})` };
  const completion = parsed.data;
  const choice = completion.choices[0];
  if (choice === undefined) return { error: 'a chat completion without choices' };
  const message = choice.message;
  const toolCalls = (message.tool_calls ?? []).flatMap((call, index): ToolCall[] => {
    // Some compatible servers send no id (or ""); results are matched by id, so each call needs its own.
    const id = call.id === undefined || call.id === null || call.id === '' ? `call_${index}` : call.id;
    if (call.function)
      return [{ id, name: call.function.name, arguments: argumentsText(call.function.arguments) }];
    if (call.custom) return [{ id, name: call.custom.name, arguments: argumentsText(call.custom.input) }];
    return [];
  });
  const text = message.content ?? message.refusal ?? '';
  const split = splitReasoning(text);
  const reasoning = joinReasoning([
    message.reasoning_content ?? undefined,
    message.reasoning ?? undefined,
    split.reasoning,
  ]);
  const model =
    completion.model === undefined || completion.model === null || completion.model === ''
      ? fallbackModel
      : completion.model;
  const refused =
    (message.content === null || message.content === undefined) && typeof message.refusal === 'string';
  return {
    content: structured && !refused ? structuredContent(split.content) : split.content,
    ...(reasoning === undefined ? {} : { reasoning }),
    toolCalls,
    stopReason: refused ? 'other' : stopReason(choice.finish_reason, toolCalls.length),
    usage: {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    },
    model: `${provider}:${model}`,
  };
}

/** Arguments are text on the wire; some compatible servers send an object instead. Either way, raw text here. */
function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}

function stopReason(reason: string | null | undefined, calls: number): StopReason {
  if (reason === 'length') return 'max_tokens';
  // Ollama answers tool calls with finish_reason "stop": the calls are what count.
  if (reason === 'tool_calls' || reason === 'function_call' || calls > 0) return 'tool_calls';
  if (reason === 'stop') return 'end';
  return 'other';
}
