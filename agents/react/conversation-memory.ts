import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { ChatModel } from '../models/chat-model.ts';
import type { ReactEvent } from './react-events.ts';
import type { Conversation, Turn } from './react-state.ts';

/** Short-term memory settings: how many tokens of past turns a new question may carry. */
export interface ConversationSettings {
  readonly maxTokens: number;
}

/** A rough count (4 characters a token), the same on every run: what the bound is measured in. */
export function estimatedTokens(turns: readonly Turn[], summary: string | null): number {
  let chars = summary?.length ?? 0;
  for (const t of turns) chars += t.question.length + t.answer.length;
  return Math.ceil(chars / 4);
}

/**
 * Keeps a conversation within its token bound: when the turns outgrow it,
 * the oldest are folded into the summary by a model call, journaled (a
 * re-run or a replay reads the same summary back), until what is left fits
 * in half the bound, so the next summary is a while away. A failed call
 * journals nothing and keeps the turns: the next answer tries again.
 */
export async function boundConversation(
  ctx: Pick<ActorContext, 'run'>,
  model: ChatModel,
  conversation: Conversation,
  settings: ConversationSettings,
): Promise<Extract<ReactEvent, { type: 'HistorySummarized' }> | undefined> {
  const { turns, summary } = conversation;
  if (estimatedTokens(turns, summary) <= settings.maxTokens) return undefined;
  let dropped = 0;
  while (dropped < turns.length && estimatedTokens(turns.slice(dropped), null) > settings.maxTokens / 2)
    dropped++;
  if (dropped === 0) dropped = 1;
  const older = turns.slice(0, dropped);
  let text: string;
  try {
    text = await ctx.run('summarize-history', async () => {
      const answer = await model
        .chat({
          messages: [
            {
              role: 'system',
              content:
                'Summarise this conversation for your own later use in at most 120 words: facts about the user, decisions, open questions. Keep names, ids and numbers.',
            },
            {
              role: 'user',
              content: [
                ...(summary === null ? [] : [`Earlier summary: ${summary}`]),
                ...older.map((t) => `User: ${t.question}\nYou: ${t.answer}`),
              ].join('\n\n'),
            },
          ],
        })
        .catch((error: unknown) => {
          throw new SummaryFailed(String(error));
        });
      const content = answer.content.trim();
      if (content === '') throw new SummaryFailed('the model gave an empty summary');
      return content;
    });
  } catch (error) {
    // Nothing is journaled for a failed summary: the turns stay, and the next answer tries again.
    if (error instanceof SummaryFailed) return undefined;
    throw error;
  }
  return { type: 'HistorySummarized', summary: text.slice(0, 4_000), dropped };
}

class SummaryFailed extends Error {
  override readonly name = 'SummaryFailed';
}
