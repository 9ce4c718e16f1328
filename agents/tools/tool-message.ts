import type { ChatMessage, ToolCall } from '../models/chat-model.ts';
import type { ToolResult } from './tool.ts';

/**
 * The message that tells the model how its tool call ended: the value (text
 * as it is, anything else as JSON) or the error message with `isError` set.
 *
 * @example
 * const result = await tools.execute(call, context);
 * messages.push(toolMessage(call, result));
 */
export function toolMessage(call: ToolCall, result: ToolResult): ChatMessage {
  if (!result.ok)
    return {
      role: 'tool',
      toolCallId: call.id,
      name: call.name,
      content: result.error.message,
      isError: true,
    };
  const content = typeof result.value === 'string' ? result.value : JSON.stringify(result.value);
  return { role: 'tool', toolCallId: call.id, name: call.name, content };
}
