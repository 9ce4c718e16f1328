import { z } from 'zod';
import type { ChatMessage } from '../models/chat-model.ts';
import type { ReactSettings } from './react-settings.ts';
import type { StoredMessage } from './react-state.ts';

/**
 * The messages of the next model request: the instructions (the system
 * prompt, and the output schema when there is one), then the conversation
 * as state holds it.
 */
export function reactMessages(settings: ReactSettings, stored: readonly StoredMessage[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const instructions = [settings.system, settings.output ? formatInstruction(settings) : undefined]
    .filter((s): s is string => s !== undefined && s !== '')
    .join('\n\n');
  if (instructions) messages.push({ role: 'system', content: instructions });
  for (const m of stored) messages.push(chatMessage(m));
  return messages;
}

function chatMessage(m: StoredMessage): ChatMessage {
  switch (m.role) {
    case 'user':
      return { role: 'user', content: m.content };
    case 'assistant':
      return m.calls.length > 0
        ? { role: 'assistant', content: m.content, toolCalls: m.calls }
        : { role: 'assistant', content: m.content };
    case 'tool':
      return { role: 'tool', toolCallId: m.callId, name: m.name, content: m.content, isError: m.isError };
  }
}

function formatInstruction(settings: ReactSettings): string {
  const schema = settings.output ? JSON.stringify(z.toJSONSchema(settings.output)) : '{}';
  return `Give your final answer as one JSON value matching this JSON Schema, with no other text: ${schema}`;
}
