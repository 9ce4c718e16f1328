import { products } from '../../../scenarios/voc/products.ts';
import type { ReviewRecord } from '../../../scenarios/voc/reviews.ts';
import { scriptedScore } from './voc-wire-model.ts';

/**
 * What a VOC run over `records` must produce, computed here from the raw
 * records and the scripted model's rule, not by the pipeline's code: the
 * scores by review, the mails (review → product), the dead letters, and
 * the score histogram of every product minute.
 */
export function vocReference(records: readonly ReviewRecord[]) {
  const known = new Set(products().map((p) => p.id));
  const seen = new Set<string>();
  const scored = new Map<string, ReturnType<typeof scriptedScore> & { productId: string; at: number }>();
  const unknown = new Map<string, string>();
  const malformed = new Set<string>();
  for (const r of records) {
    if (seen.has(r.msgId)) continue;
    seen.add(r.msgId);
    if (r.kind === 'malformed') {
      malformed.add(r.msgId);
      continue;
    }
    const { review } = r;
    if (!known.has(review.productId)) {
      unknown.set(review.reviewId, review.productId);
      continue;
    }
    const score = scriptedScore({ id: review.reviewId, stars: review.rating, text: review.text });
    scored.set(review.reviewId, { ...score, productId: review.productId, at: review.at });
  }
  const alerts = new Map<string, string>();
  const windows = new Map<string, number[]>();
  for (const [id, s] of scored) {
    if (s.score <= 2 && s.aspects.includes('shipping')) alerts.set(id, s.productId);
    const key = `${s.productId}@${s.at - (s.at % 60_000)}`;
    const histogram = windows.get(key) ?? [0, 0, 0, 0, 0, 0];
    histogram[s.score] = (histogram[s.score] ?? 0) + 1;
    windows.set(key, histogram);
  }
  return { scored, unknown, malformed, alerts, windows };
}
