import type { Log } from 'eddy';
import { z } from 'zod';
import { Heartbeat, isHeartbeat } from '../shared/heartbeats.ts';
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

export const FeedRecord = z.union([ReviewIn, Heartbeat]);
export type FeedRecord = z.infer<typeof FeedRecord>;

export const isReview = (r: FeedRecord): r is ReviewIn => !isHeartbeat(r);

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
