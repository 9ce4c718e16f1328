import type { WindowResult } from 'eddy';
import { type ChatModel, workflowAgent } from 'eddy/agents';
import { type Feedback, feedbackPrompt, parseFeedback } from './feedback-prompt.ts';
import type { MinuteStats } from './minute-stats.ts';

/** Advice for the streamer about one minute, on `livestream.feedback`. */
export type StreamerFeedback = {
  readonly room: string;
  readonly start: number;
  readonly end: number;
  readonly comments: number;
  readonly advice: string;
  readonly priority: Feedback['priority'];
};

type Closed = WindowResult<MinuteStats>;

/** The feedback agent: each closed minute of a room becomes short advice (one repair turn, then a plain fallback). */
export function feedbackAgent(options: { readonly name: string; readonly model: ChatModel }) {
  return workflowAgent<Closed, { readonly type: 'Minute'; readonly minute: Closed }, StreamerFeedback>({
    name: options.name,
    models: { coach: options.model },
    start: (minute) => ({ type: 'Minute', minute }),
    actions: {
      Minute: async ({ minute }, ctx) => {
        const messages = feedbackPrompt({
          room: minute.key,
          from: new Date(minute.start).toISOString(),
          ...minute.result,
        });
        const first = await ctx.chat({ messages });
        let feedback = parseFeedback(first.content);
        if (feedback === undefined) {
          const again = await ctx.chat({
            messages: [
              ...messages,
              { role: 'assistant', content: first.content },
              { role: 'user', content: 'That does not fit the schema: answer with the JSON only.' },
            ],
          });
          feedback = parseFeedback(again.content);
        }
        ctx.emit({
          room: minute.key,
          start: minute.start,
          end: minute.end,
          comments: minute.count,
          advice: feedback?.advice ?? '(the model gave no usable advice for this minute)',
          priority: feedback?.priority ?? 'low',
        });
      },
    },
  });
}
