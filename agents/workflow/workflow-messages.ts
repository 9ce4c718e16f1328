import type { ChatMessage } from '../models/chat-model.ts';
import type { WorkflowMessage } from './builtin-events.ts';

/** A stored message as the model takes it: the optional fields of a tool message filled in. */
export function chatMessage(m: WorkflowMessage): ChatMessage {
  switch (m.role) {
    case 'tool':
      return {
        role: 'tool',
        toolCallId: m.toolCallId ?? '',
        name: m.name ?? '',
        content: m.content,
        isError: m.isError ?? false,
      };
    case 'assistant':
      return m.toolCalls
        ? { role: 'assistant', content: m.content, toolCalls: m.toolCalls }
        : { role: 'assistant', content: m.content };
    default:
      return { role: m.role, content: m.content };
  }
}
