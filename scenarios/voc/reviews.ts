import { seededRandom } from 'eddy';
import type { Product } from './products.ts';
import { type Aspect, EMOJI, SARCASM, SNIPPETS, type Tone } from './review-texts.ts';

/** A product review as a shop sends it to the pipeline. */
export interface Review {
  readonly reviewId: string;
  readonly productId: string;
  readonly rating: number;
  readonly language: 'en' | 'zh';
  readonly text: string;
  /** ms since the epoch: when it was written (event time). */
  readonly at: number;
}

/** One record of the stream: a review (or a re-send of one), or bytes that are not a review. */
export type ReviewRecord =
  | { readonly kind: 'review'; readonly key: string; readonly msgId: string; readonly review: Review }
  | { readonly kind: 'malformed'; readonly key: string; readonly msgId: string; readonly payload: string };

export interface ReviewStreamOptions {
  readonly count: number;
  readonly products: readonly Product[];
  readonly seed?: number;
  /** Event time of the first review (ms); reviews follow a few seconds apart. */
  readonly start?: number;
  /** Share of records that are not reviews at all. Default 0.03. */
  readonly malformed?: number;
  /** Share of records that re-send an earlier review under its own msg id. Default 0.02. */
  readonly resent?: number;
  /** Share of reviews of a product id the table does not have. Default 0.01. */
  readonly unknownProducts?: number;
  /** Mean event-time gap between records (ms); gaps are uniform in [gap/5, gap*9/5]. Default 2 500. */
  readonly meanGapMs?: number;
}

/** Ratings as shops see them: mostly 5s, a bump at 1 (the J curve). */
const RATING_WEIGHTS: readonly [rating: number, weight: number][] = [
  [5, 0.52],
  [4, 0.18],
  [3, 0.08],
  [2, 0.07],
  [1, 0.15],
];
const ASPECTS: readonly Aspect[] = ['shipping', 'quality', 'price', 'service'];

/**
 * A reproducible stream of product reviews that look real: English and
 * Chinese, ratings skewed as shops see them, complaints about shipping,
 * quality, price and service (shipping most often in bad reviews), typos,
 * emoji, sarcasm, one-word and rambling texts; a few per cent of records
 * that are not reviews (broken JSON, a missing field, a rating of 11) and
 * re-sent duplicates (the same msg id: the log drops them), and reviews of
 * unknown products. The same seed gives the same stream.
 *
 * @example
 * ```ts
 * for (const r of reviewStream({ count: 1_000, products: products() })) append(r);
 * ```
 */
export function* reviewStream(o: ReviewStreamOptions): Generator<ReviewRecord> {
  const random = seededRandom(o.seed ?? 11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const sent: ReviewRecord[] = [];
  let at = o.start ?? Date.UTC(2026, 11, 1, 9, 0, 0);
  const gap = o.meanGapMs ?? 2_500;
  for (let i = 0; i < o.count; i++) {
    at += Math.round(gap / 5 + random() * gap * 1.6);
    const roll = random();
    if (roll < (o.malformed ?? 0.03)) {
      yield {
        kind: 'malformed',
        key: `bad-${i}`,
        msgId: `review-bad-${o.seed ?? 11}-${i}`,
        payload: malformedPayload(i, pick),
      };
      continue;
    }
    if (roll < (o.malformed ?? 0.03) + (o.resent ?? 0.02) && sent.length > 0) {
      yield pick(sent);
      continue;
    }
    const review = writeReview(i, at, o.seed ?? 11, o, random, pick);
    const record: ReviewRecord = { kind: 'review', key: review.reviewId, msgId: review.reviewId, review };
    sent.push(record);
    yield record;
  }
}

function writeReview(
  i: number,
  at: number,
  seed: number,
  o: ReviewStreamOptions,
  random: () => number,
  pick: <T>(items: readonly T[]) => T,
): Review {
  const unknown = random() < (o.unknownProducts ?? 0.01);
  const product = pick(o.products);
  const rating = weighted(random);
  const language = random() < 0.3 ? 'zh' : 'en';
  const tone: Tone = rating >= 4 ? 'positive' : 'negative';
  // Bad reviews complain about shipping most often; good ones praise quality.
  const first: Aspect = tone === 'negative' && random() < 0.45 ? 'shipping' : pick(ASPECTS);
  const parts = [pick(SNIPPETS[language][first][tone])];
  const more = random();
  if (more < 0.35) parts.push(pick(SNIPPETS[language][pick(ASPECTS)][tone]));
  if (more < 0.08) parts.push(...ASPECTS.map((a) => pick(SNIPPETS[language][a][tone])));
  let text = parts.join(language === 'zh' ? '，' : '. ');
  if (tone === 'negative' && random() < 0.06) text = pick(SARCASM);
  if (random() < 0.05)
    text = language === 'zh' ? (tone === 'positive' ? '好' : '差') : tone === 'positive' ? 'ok' : 'meh';
  if (language === 'en' && random() < 0.15) text = typo(text, random);
  if (random() < 0.25) text = `${text} ${pick(EMOJI)}`;
  return {
    // The seed is part of the id: two seeds' streams never collide on a shared log.
    reviewId: `R-${seed}-${String(i + 1).padStart(6, '0')}`,
    productId: unknown ? `P-${9000 + Math.floor(random() * 900)}` : product.id,
    rating,
    language,
    text,
    at,
  };
}

function weighted(random: () => number): number {
  let r = random();
  for (const [rating, weight] of RATING_WEIGHTS) {
    if (r < weight) return rating;
    r -= weight;
  }
  return 5;
}

/** Two neighbouring letters swapped, somewhere after the first word. */
function typo(text: string, random: () => number): string {
  const at = 3 + Math.floor(random() * Math.max(1, text.length - 5));
  const a = text[at];
  const b = text[at + 1];
  if (a === undefined || b === undefined || !/[a-z]/.test(a) || !/[a-z]/.test(b)) return text;
  return `${text.slice(0, at)}${b}${a}${text.slice(at + 2)}`;
}

function malformedPayload(i: number, pick: <T>(items: readonly T[]) => T): string {
  return pick([
    '{"reviewId": "R-broken", "rating": 5, "text": "great',
    JSON.stringify({ reviewId: `R-x${i}`, rating: 4, text: 'no product id' }),
    JSON.stringify({
      reviewId: `R-y${i}`,
      productId: 'P-1001',
      rating: 11,
      language: 'en',
      text: 'off the scale',
      at: 0,
    }),
    'not json at all',
  ]);
}
