import { type Aggregate, tumbling, windowed } from 'eddy';
import type { ScoredReview } from './scorer.ts';

type Scored = Extract<ScoredReview, { type: 'scored' }>;

/** A product's minute so far: stars histogram, unhappy count and their reasons. */
export type SatisfactionAccumulator = {
  productName: string;
  /** Reviews by score, 0 to 5. */
  histogram: number[];
  unhappy: number;
  /** Reasons given by unhappy reviews (score ≤ 2), counted; at most MAX_REASONS kept. */
  reasons: Record<string, number>;
};

/** A product's satisfaction in one window of event time. */
export type Satisfaction = {
  productName: string;
  histogram: number[];
  reviews: number;
  average: number;
  unhappy: number;
  topReasons: { reason: string; count: number }[];
};

const MAX_REASONS = 40;

/** The fold of a window: plain functions over journaled state. */
export const satisfactionAggregate: Aggregate<Scored, SatisfactionAccumulator, Satisfaction> = {
  create: () => ({ productName: '', histogram: [0, 0, 0, 0, 0, 0], unhappy: 0, reasons: {} }),
  add: (acc, review) => {
    const histogram = acc.histogram.map((n, score) => (score === review.score ? n + 1 : n));
    if (review.score > 2) return { ...acc, productName: review.productName, histogram };
    const reasons = { ...acc.reasons };
    for (const raw of review.reasons) {
      const reason = raw.trim().toLowerCase();
      if (reason in reasons || Object.keys(reasons).length < MAX_REASONS)
        reasons[reason] = (reasons[reason] ?? 0) + 1;
    }
    return { productName: review.productName, histogram, unhappy: acc.unhappy + 1, reasons };
  },
  result: (acc) => {
    const reviews = acc.histogram.reduce((a, b) => a + b, 0);
    const total = acc.histogram.reduce((sum, n, score) => sum + n * score, 0);
    return {
      productName: acc.productName,
      histogram: acc.histogram,
      reviews,
      average: reviews === 0 ? 0 : Math.round((total / reviews) * 100) / 100,
      unhappy: acc.unhappy,
      topReasons: topReasons(acc.reasons, 3),
    };
  },
};

/** The most given reasons, most first, ties by name (so every run orders them alike). */
export function topReasons(reasons: Readonly<Record<string, number>>, n: number) {
  return Object.entries(reasons)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, n)
    .map(([reason, count]) => ({ reason, count }));
}

/** Per product and minute of event time: the rolling satisfaction view. */
export function satisfactionWindows(name: string, lateSubject: string) {
  return windowed({
    name,
    window: tumbling(60_000),
    aggregate: satisfactionAggregate,
    // Reviews up to a minute behind still update their window; later ones go to the late subject.
    allowedLatenessMs: 60_000,
    lateSubject,
  });
}
