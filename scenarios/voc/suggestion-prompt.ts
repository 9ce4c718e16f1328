import { type ChatMessage, jsonSchemaOf, parseJsonAnswer } from 'eddy/agents';
import { z } from 'zod';

export const Suggestions = z.object({
  suggestions: z
    .array(z.string().min(5).max(200))
    .length(3)
    .describe('three concrete actions for the product team, most urgent first'),
});

/** What the suggestion agent is shown of a window. */
export interface WindowForSuggestions {
  readonly product: string;
  readonly from: string;
  readonly to: string;
  readonly reviews: number;
  readonly average: number;
  readonly histogram: readonly number[];
  readonly topReasons: readonly string[];
}

const MARKER = 'Window (JSON): ';
const SCHEMA_TEXT = JSON.stringify(jsonSchemaOf(Suggestions));

export function suggestionsPrompt(window: WindowForSuggestions): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You advise a shop’s product team. From a product’s reviews over one minute (scores 0 to 5 and the ' +
        'reasons unhappy customers gave), suggest exactly three concrete, actionable steps, most urgent first.',
    },
    {
      role: 'user',
      content: `${MARKER}${JSON.stringify(window)}\n\nAnswer with one JSON value matching this JSON Schema, with no other text: ${SCHEMA_TEXT}`,
    },
  ];
}

export function suggestionsInPrompt(content: string): WindowForSuggestions | undefined {
  const at = content.indexOf(MARKER);
  if (at === -1) return undefined;
  try {
    return JSON.parse(content.slice(at + MARKER.length).split('\n')[0] ?? '') as WindowForSuggestions;
  } catch {
    return undefined;
  }
}

/** The three suggestions of an answer, or undefined when it does not fit. */
export function parseSuggestions(content: string): readonly string[] | undefined {
  const json = parseJsonAnswer(content);
  if (!json.ok) return undefined;
  const parsed = Suggestions.safeParse(json.value);
  return parsed.success ? parsed.data.suggestions : undefined;
}
