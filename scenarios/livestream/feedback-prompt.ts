import { type ChatMessage, jsonSchemaOf, parseJsonAnswer } from 'eddy/agents';
import { z } from 'zod';
import type { MinuteStats } from './minute-stats.ts';

export const Feedback = z.object({
  advice: z.string().min(5).max(240).describe('one or two short sentences the streamer can act on now'),
  priority: z.enum(['low', 'medium', 'high']),
});
export type Feedback = z.infer<typeof Feedback>;

const MARKER = 'Live minute (JSON): ';
const SCHEMA_TEXT = JSON.stringify(jsonSchemaOf(Feedback));

export function feedbackPrompt(
  minute: { readonly room: string; readonly from: string } & MinuteStats,
): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You coach a live-stream seller. From one minute of viewer comments (sentiment, topics, questions, ' +
        'VIP share), give the streamer short advice to act on right now: answer questions, fix the stream, ' +
        'calm complaints, or ride the excitement.',
    },
    {
      role: 'user',
      content: `${MARKER}${JSON.stringify(minute)}\n\nAnswer with one JSON value matching this JSON Schema, with no other text: ${SCHEMA_TEXT}`,
    },
  ];
}

export function minuteInPrompt(content: string): (MinuteStats & { room: string }) | undefined {
  const at = content.indexOf(MARKER);
  if (at === -1) return undefined;
  try {
    return JSON.parse(content.slice(at + MARKER.length).split('\n')[0] ?? '') as MinuteStats & {
      room: string;
    };
  } catch {
    return undefined;
  }
}

export function parseFeedback(content: string): Feedback | undefined {
  const json = parseJsonAnswer(content);
  if (!json.ok) return undefined;
  const parsed = Feedback.safeParse(json.value);
  return parsed.success ? parsed.data : undefined;
}
