import type { Log } from 'eddy';
import { z } from 'zod';
import type { ReviewRecord } from './reviews.ts';

/** A review as the pipeline checks it at the edge: a record that fails this is a dead letter with the reason. */
export const ReviewIn = z.object({
  reviewId: z.string().regex(/^R-\d+-\d+$/),
  productId: z.string().min(1),
  rating: z.number().int().min(1).max(5),
  language: z.enum(['en', 'zh']),
  text: z.string().min(1).max(10_000),
  at: z.number().int().positive(),
});
export type ReviewIn = z.infer<typeof ReviewIn>;

/**
 * The feed's clock: "nothing older than `at` is coming on this partition".
 * A bounded feed (a day of reviews replayed) ends with one per partition, so
 * the last windows close, as Flink's bounded sources end with a final
 * watermark; a live feed needs none.
 */
export const Heartbeat = z.object({ heartbeat: z.literal(true), at: z.number().int().positive() });

export const FeedRecord = z.union([ReviewIn, Heartbeat]);
export type FeedRecord = z.infer<typeof FeedRecord>;

export const isReview = (r: FeedRecord): r is ReviewIn => !('heartbeat' in r);

const encoder = new TextEncoder();

/** Appends one generated record (a review, a re-send, or bytes that are not a review). */
export function appendReview(log: Log, subject: string, record: ReviewRecord) {
  const payload = record.kind === 'review' ? JSON.stringify(record.review) : record.payload;
  const eventTime = record.kind === 'review' ? record.review.at : undefined;
  return log.append(subject, {
    key: record.key,
    msgId: record.msgId,
    payload: encoder.encode(payload),
    ...(eventTime === undefined ? {} : { eventTime }),
  });
}

/** Ends a bounded feed: a heartbeat at `at` on every partition of the reviews topic. */
export async function appendHeartbeats(log: Log, subject: string, at: number): Promise<void> {
  const partitions = await log.partitions(subject);
  for (let p = 0; p < partitions; p++) {
    await log.append(subject, {
      key: `~heartbeat-${p}`,
      partition: p,
      msgId: `heartbeat-${p}-${at}`,
      eventTime: at,
      payload: encoder.encode(JSON.stringify({ heartbeat: true, at })),
    });
  }
}
