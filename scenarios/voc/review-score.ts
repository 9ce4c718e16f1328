import { type ChatMessage, jsonSchemaOf, parseJsonAnswer } from 'eddy/agents';
import { z } from 'zod';
import type { Aspect } from './review-texts.ts';

export const ASPECTS = ['shipping', 'quality', 'price', 'service'] as const satisfies readonly Aspect[];

/** What the scoring agent must answer (Flink Agents' `{id, score, reasons}`, with aspects). */
export const ReviewScore = z.object({
  id: z.string().describe('the review id, as given'),
  score: z.number().int().min(0).max(5).describe('0 = furious, 5 = delighted'),
  reasons: z
    .array(z.string().min(1).max(80))
    .min(1)
    .max(4)
    .describe('why, in two to five words each, in English'),
  aspects: z
    .array(z.enum(ASPECTS))
    .max(4)
    .describe('what the review is about: only aspects it actually mentions'),
});
export type ReviewScore = z.infer<typeof ReviewScore>;

/** What the scorer is shown of a review (joined with its product). */
export interface ReviewForScoring {
  readonly reviewId: string;
  readonly rating: number;
  readonly language: string;
  readonly text: string;
  readonly product: { readonly name: string; readonly category: string };
}

const SCHEMA_TEXT = JSON.stringify(jsonSchemaOf(ReviewScore));

/** The marker before the review's JSON in the prompt (what an offline or scripted model reads). */
export const REVIEW_MARKER = 'Review (JSON): ';

/**
 * The scoring prompt: the review as JSON on a line of its own, and the answer's
 * JSON Schema.
 */
export function scoringPrompt(review: ReviewForScoring): ChatMessage[] {
  const shown = {
    id: review.reviewId,
    product: review.product.name,
    category: review.product.category,
    stars: review.rating,
    language: review.language,
    text: review.text,
  };
  return [
    {
      role: 'system',
      content:
        'You analyse product reviews for a shop. Score how satisfied the customer is from 0 to 5 ' +
        '(the stars help, but read the text: sarcasm and complaints count more than stars), ' +
        'give the reasons in a few English words each, and name the aspects the review is about ' +
        '(shipping, quality, price, service). Reviews come in any language.',
    },
    {
      role: 'user',
      content: `${REVIEW_MARKER}${JSON.stringify(shown)}\n\nAnswer with one JSON value matching this JSON Schema, with no other text: ${SCHEMA_TEXT}`,
    },
  ];
}

/** The review a scoring prompt carries, for offline and scripted models. */
export function reviewInPrompt(
  content: string,
): { id: string; stars: number; text: string; language: string } | undefined {
  const at = content.indexOf(REVIEW_MARKER);
  if (at === -1) return undefined;
  const line = content.slice(at + REVIEW_MARKER.length).split('\n')[0] ?? '';
  try {
    return JSON.parse(line) as { id: string; stars: number; text: string; language: string };
  } catch {
    return undefined;
  }
}

export type ParsedScore =
  | { readonly ok: true; readonly score: ReviewScore }
  | { readonly ok: false; readonly problem: string };

/** The model's answer as a score of this review, or what is wrong with it (for a repair turn). */
export function parseScore(content: string, reviewId: string): ParsedScore {
  const json = parseJsonAnswer(content);
  if (!json.ok) return { ok: false, problem: 'the answer holds no JSON value' };
  const parsed = ReviewScore.safeParse(json.value);
  if (!parsed.success)
    return {
      ok: false,
      problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`).join('; '),
    };
  if (parsed.data.id !== reviewId)
    return { ok: false, problem: `id is "${parsed.data.id}", the review's is "${reviewId}"` };
  return { ok: true, score: parsed.data };
}

/** Whether a score asks for the logistics manager: unhappy, and about shipping. */
export function needsLogistics(score: Pick<ReviewScore, 'score' | 'aspects'>): boolean {
  return score.score <= 2 && score.aspects.includes('shipping');
}
