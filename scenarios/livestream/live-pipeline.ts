import {
  actor,
  from,
  keyBy,
  type LateRecord,
  type Log,
  type Logger,
  type LookupTable,
  lookupJoin,
  pipeline,
  type Store,
  to,
  type WindowResult,
} from 'eddy';
import type { ChatModel } from 'eddy/agents';
import { classify, predict, sentiment } from 'eddy/memory';
import type { Registry } from 'prom-client';
import { filter, map } from 'rxjs';
import { z } from 'zod';
import { Heartbeat, isHeartbeat } from '../shared/heartbeats.ts';
import { type EnrichedComment, TOPICS } from './enriched-comment.ts';
import { feedbackAgent, type StreamerFeedback } from './feedback-agent.ts';
import { type MinuteStats, minuteStats } from './minute-stats.ts';
import type { LiveSubjects } from './subjects.ts';
import type { ViewerRow } from './users.ts';

export const CommentIn = z.object({
  commentId: z.string().min(1),
  room: z.string().min(1),
  userId: z.string().min(1),
  text: z.string().min(1).max(500),
  at: z.number().int().positive(),
});
export type CommentIn = z.infer<typeof CommentIn>;

const FeedRecord = z.union([CommentIn, Heartbeat]);
type FeedRecord = z.infer<typeof FeedRecord>;

export interface LivePipelineOptions {
  readonly subjects: LiveSubjects;
  readonly log: Log;
  readonly store: Store;
  readonly viewers: LookupTable<ViewerRow>;
  readonly model: ChatModel;
  /** Partial results of open minutes this often (wall clock). Default 2 000 ms. */
  readonly earlyFiringMs?: number;
  readonly logger?: Logger;
  readonly metrics?: Registry;
}

const isComment = (r: FeedRecord): r is CommentIn => !isHeartbeat(r);
const isMinute = (
  w: WindowResult<MinuteStats> | LateRecord<EnrichedComment>,
): w is WindowResult<MinuteStats> => w.kind !== 'late';
const isFeedback = (o: object): o is StreamerFeedback => 'advice' in o;

/**
 * Live-stream comment analytics:
 *
 *     livestream.comments ─ join viewer profile (left: guests have none) ─ sentiment ─ topic
 *       ─ keyBy room ─ stats per minute (partial every 2 s, final at the minute's end) ─▶ livestream.windows
 *       ─ final minutes ─ feedback agent ─▶ livestream.feedback
 *
 * The comment's id is its key up to the `keyBy`, so the model calls of the AI
 * functions run in parallel across comments (each journaled: a crash never
 * asks twice).
 */
export function livePipeline(o: LivePipelineOptions) {
  const s = o.subjects;
  const metrics = o.metrics ? { metrics: o.metrics } : {};
  const flow = from(s.comments, FeedRecord, { eventTime: (r) => r.at })
    .pipe(
      filter(isComment),
      lookupJoin(o.viewers, {
        key: (c) => c.userId,
        join: 'left',
        select: (c, viewer) => ({ ...c, viewer: viewer ?? null }),
      }),
      predict(sentiment({ text: (c: CommentIn) => c.text, model: o.model }), {
        as: 'sentiment',
        name: s.actors.sentiment,
        capacity: 32,
        ...metrics,
      }),
      predict(
        classify({
          text: (c: CommentIn) => c.text,
          labels: TOPICS,
          model: o.model,
          instructions: 'These are live-stream comments (danmaku) during a product show.',
        }),
        { as: 'topic', name: s.actors.topic, capacity: 32, ...metrics },
      ),
      map((c): EnrichedComment => c),
    )
    .pipe(
      keyBy((c: EnrichedComment) => c.room),
      actor(minuteStats(s.actors.minutes, s.late, o.earlyFiringMs ?? 2_000)),
      filter(isMinute),
      to(s.windows),
      filter((w: WindowResult<MinuteStats>) => w.kind === 'final'),
      actor(feedbackAgent({ name: s.actors.feedback, model: o.model })),
      filter(isFeedback),
      to(s.feedback),
    );
  return pipeline(
    {
      name: s.name,
      log: o.log,
      store: o.store,
      deadLetter: s.deadLetter,
      allowedLatenessMs: 2_000,
      ...(o.logger ? { logger: o.logger } : {}),
      ...metrics,
    },
    flow,
  );
}
