import type { ChatRequest } from 'eddy/agents';
import { type ReviewScore, reviewInPrompt } from './review-score.ts';
import type { Aspect } from './review-texts.ts';
import { suggestionsInPrompt } from './suggestion-prompt.ts';

/** Words that put a review on an aspect, and words that make it a complaint (English and Chinese). */
const ASPECT_WORDS: Readonly<Record<Aspect, readonly string[]>> = {
  shipping: [
    'parcel',
    'deliver',
    'courier',
    'tracking',
    'box',
    'shipping',
    'arrived',
    '快递',
    '物流',
    '包装',
    '到了',
  ],
  quality: [
    'broke',
    'working',
    'cracked',
    'flimsy',
    'battery',
    'build',
    'sound',
    'melts',
    '坏',
    '做工',
    '质量',
    '电池',
    '音质',
  ],
  price: ['price', 'overpriced', 'value', 'cheaper', '价', '贵', '便宜', '性价比'],
  service: ['support', 'refund', 'service', 'replaced', '客服', '退款', '售后'],
};
const COMPLAINTS = [
  'late',
  'crushed',
  'nothing',
  'rain',
  'stopped',
  'cracked',
  'cheap',
  'flimsy',
  'barely',
  'overpriced',
  'half the price',
  'never',
  'month',
  'broke',
  'melts',
  '慢',
  '破损',
  '不更新',
  '坏',
  '粗糙',
  '不耐用',
  '贵',
  '差',
  '拖',
  'meh',
];
const REASONS: Readonly<Record<Aspect, readonly [complaint: string, praise: string]>> = {
  shipping: ['late or damaged delivery', 'fast delivery'],
  quality: ['poor build quality', 'good build quality'],
  price: ['too expensive', 'good value'],
  service: ['unhelpful support', 'helpful support'],
};

/**
 * The VOC pack's canned answers for the offline model: a review scored by
 * its stars and a word list (a complaint takes a star off), and suggestions
 * from the window's top reasons. Rules of thumb, announced as offline; a real
 * model reads sarcasm and languages these words miss.
 */
export function vocOfflineAnswer(request: ChatRequest): string | undefined {
  const last = request.messages.at(-1)?.content ?? '';
  const review = reviewInPrompt(last);
  if (review) return JSON.stringify(offlineScore(review));
  const window = suggestionsInPrompt(last);
  if (window) return JSON.stringify({ suggestions: offlineSuggestions(window.topReasons) });
  return undefined;
}

/** The offline score of a review: what the tests' scripted model answers too. */
export function offlineScore(review: { id: string; stars: number; text: string }): ReviewScore {
  const text = review.text.toLowerCase();
  const complaint = COMPLAINTS.some((w) => text.includes(w));
  const aspects = (Object.keys(ASPECT_WORDS) as Aspect[]).filter((a) =>
    ASPECT_WORDS[a].some((w) => text.includes(w)),
  );
  const score = Math.max(0, Math.min(5, review.stars - (complaint ? 1 : 0)));
  const unhappy = score <= 2;
  const reasons = aspects.map((a) => REASONS[a][unhappy ? 0 : 1]);
  return {
    id: review.id,
    score,
    reasons: reasons.length > 0 ? reasons : [unhappy ? 'generally unhappy' : 'generally happy'],
    aspects,
  };
}

const ADVICE: Readonly<Record<string, string>> = {
  'late or damaged delivery': 'Review the carrier’s late deliveries this week and ask for a recovery plan',
  'poor build quality': 'Pull a sample from the current batch and check it against the spec',
  'too expensive': 'Compare the price with the two cheapest competitors and consider a bundle',
  'unhelpful support': 'Answer open support tickets within a day and follow up on refunds',
  'generally unhappy': 'Call three unhappy customers and ask what went wrong',
};

function offlineSuggestions(topReasons: readonly string[]): string[] {
  const picked = topReasons.map((r) => ADVICE[r]).filter((a): a is string => a !== undefined);
  const fill = [
    'Thank happy customers and ask them for a photo review',
    'Keep an eye on this product’s score next hour',
    'Share the top complaint with the product team',
  ];
  return [...new Set([...picked, ...fill])].slice(0, 3);
}
