import type { WindowResult } from 'eddy';
import { type ChatModel, workflowAgent } from 'eddy/agents';
import type { Satisfaction } from './satisfaction.ts';
import { parseSuggestions, suggestionsPrompt } from './suggestion-prompt.ts';

/** One product's minute: its satisfaction and what to do about it. */
export type ProductWindow = {
  readonly productId: string;
  readonly productName: string;
  readonly start: number;
  readonly end: number;
  readonly reviews: number;
  readonly average: number;
  readonly histogram: readonly number[];
  readonly unhappy: number;
  readonly topReasons: readonly { readonly reason: string; readonly count: number }[];
  /** Three actions, or none when the model's answer did not fit (after one repair). */
  readonly suggestions: readonly string[];
};

type Closed = WindowResult<Satisfaction>;
type SuggesterEvent = { readonly type: 'Window'; readonly window: Closed };

/**
 * The second agent (as in Flink Agents' multi-agent review example): per
 * product, each closed window of satisfaction becomes three suggestions.
 * Keyed by product id; its answers are journaled like the scorer's.
 */
export function productSuggester(options: { readonly name: string; readonly model: ChatModel }) {
  return workflowAgent<Closed, SuggesterEvent, ProductWindow>({
    name: options.name,
    models: { suggester: options.model },
    start: (window) => ({ type: 'Window', window }),
    actions: {
      Window: async ({ window }, ctx) => {
        const r = window.result;
        const messages = suggestionsPrompt({
          product: r.productName,
          from: new Date(window.start).toISOString(),
          to: new Date(window.end).toISOString(),
          reviews: r.reviews,
          average: r.average,
          histogram: r.histogram,
          topReasons: r.topReasons.map((t) => t.reason),
        });
        const first = await ctx.chat({ messages });
        let suggestions = parseSuggestions(first.content);
        if (suggestions === undefined) {
          const again = await ctx.chat({
            messages: [
              ...messages,
              { role: 'assistant', content: first.content },
              {
                role: 'user',
                content: 'That does not fit the schema: give exactly three suggestions, JSON only.',
              },
            ],
          });
          suggestions = parseSuggestions(again.content);
        }
        ctx.emit({
          productId: window.key,
          productName: r.productName,
          start: window.start,
          end: window.end,
          reviews: r.reviews,
          average: r.average,
          histogram: r.histogram,
          unhappy: r.unhappy,
          topReasons: r.topReasons,
          suggestions: suggestions ?? [],
        });
      },
    },
  });
}
