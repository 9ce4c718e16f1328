import type { DeadLetter, Log, Logger, Store, WindowResult } from 'eddy';
import type { ChatModel } from 'eddy/agents';
import type { LookupDatabase } from 'eddy/connectors';
import type { Registry } from 'prom-client';
import { appendHeartbeats } from '../shared/heartbeats.ts';
import { SubjectTail } from '../shared/subject-tail.ts';
import { type Comment, commentStream } from './comments.ts';
import type { StreamerFeedback } from './feedback-agent.ts';
import { livePipeline } from './live-pipeline.ts';
import type { MinuteStats } from './minute-stats.ts';
import { DEFAULT_SEED, type LiveSubjects, liveSubjects } from './subjects.ts';
import { createViewerTable, viewerLookup, viewers } from './users.ts';

export interface LiveRunOptions {
  readonly events: number;
  readonly seed?: number;
  /** Comments fed per second. Default 60: the event clock then runs about 14 times faster than the wall's. */
  readonly rate?: number;
  readonly log: Log;
  readonly store: Store;
  readonly db: LookupDatabase;
  readonly model: ChatModel;
  readonly earlyFiringMs?: number;
  readonly partitions?: number;
  readonly logger?: Logger;
  readonly metrics?: Registry;
  /** Called once the pipeline runs (its subjects exist): where a dashboard starts. */
  readonly onStarted?: (subjects: LiveSubjects) => Promise<void> | void;
  readonly onProgress?: (p: {
    fed: number;
    comments: number;
    minutes: number;
    expectedMinutes: number;
  }) => void;
  readonly signal?: AbortSignal;
}

export interface LiveSummary {
  readonly pipeline: string;
  readonly model: string;
  readonly offline: boolean;
  readonly seconds: number;
  readonly comments: number;
  readonly guests: number;
  readonly deadLetters: number;
  readonly minutes: number;
  readonly partialResults: number;
  readonly sentiment: { readonly positive: number; readonly neutral: number; readonly negative: number };
  readonly questions: number;
  readonly vipShare: number;
  readonly topTopics: readonly { readonly topic: string; readonly count: number }[];
  readonly feedback: readonly StreamerFeedback[];
}

/** The comments a run feeds. */
export function liveFeed(events: number, seed: number = DEFAULT_SEED): Comment[] {
  return [...commentStream({ count: events, viewers: viewers(), seed, meanGapMs: 250 })];
}

const minuteOf = (at: number) => at - (at % 60_000);

/**
 * Runs the live-stream pack once: the viewer table, the pipeline, the
 * comments fed at `rate`, heartbeats to close the last minute; returns when
 * every minute that has comments got its final result and its advice.
 */
export async function runLivestream(o: LiveRunOptions): Promise<LiveSummary> {
  const started = performance.now();
  const seed = o.seed ?? DEFAULT_SEED;
  const subjects = liveSubjects(seed);
  await createViewerTable(o.db, viewers());
  await o.log.ensureTopic({ subject: subjects.comments, partitions: o.partitions ?? 4 });
  const comments = liveFeed(o.events, seed);
  const running = livePipeline({
    subjects,
    log: o.log,
    store: o.store,
    viewers: viewerLookup(o.db),
    model: o.model,
    ...(o.earlyFiringMs === undefined ? {} : { earlyFiringMs: o.earlyFiringMs }),
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
  const windowTail = new SubjectTail<WindowResult<MinuteStats>>(o.log, subjects.windows);
  const feedbackTail = new SubjectTail<StreamerFeedback>(o.log, subjects.feedback);
  const deadTail = new SubjectTail<DeadLetter>(o.log, subjects.deadLetter);
  const finals = new Map<number, WindowResult<MinuteStats>>();
  const feedback = new Map<number, StreamerFeedback>();
  const dead = new Set<string>();
  let partials = 0;
  const ids = new Set(comments.map((c) => c.commentId));
  const poll = async () => {
    for (const w of await windowTail.poll()) {
      if (w.kind === 'partial') partials++;
      else finals.set(w.start, w);
    }
    for (const f of await feedbackTail.poll()) feedback.set(f.start, f);
    for (const d of await deadTail.poll()) if (d.source && ids.has(d.source.id)) dead.add(d.source.id);
  };
  // The minutes that must close: those with a comment that was not dead-lettered.
  const expected = () => new Set(comments.filter((c) => !dead.has(c.commentId)).map((c) => minuteOf(c.at)));
  let fed = 0;
  const report = () =>
    o.onProgress?.({
      fed,
      comments: comments.length,
      minutes: feedback.size,
      expectedMinutes: expected().size,
    });

  await running.start();
  try {
    await o.onStarted?.(subjects);
    const rate = o.rate ?? 60;
    const begun = performance.now();
    let lastPoll = 0;
    for (const [i, c] of comments.entries()) {
      o.signal?.throwIfAborted();
      const wait = begun + (i / rate) * 1000 - performance.now();
      if (wait > 0) await sleep(wait);
      await o.log.append(subjects.comments, {
        key: c.commentId,
        msgId: c.commentId,
        eventTime: c.at,
        payload: new TextEncoder().encode(JSON.stringify(c)),
      });
      fed++;
      if (performance.now() - lastPoll > 250) {
        lastPoll = performance.now();
        await poll();
        report();
      }
    }
    await appendHeartbeats(o.log, subjects.comments, (comments.at(-1)?.at ?? 0) + 90_000);
    for (;;) {
      o.signal?.throwIfAborted();
      await poll();
      report();
      if ([...expected()].every((m) => feedback.has(m) && finals.has(m))) break;
      await sleep(100);
    }
  } finally {
    await running.stop();
  }
  const all = [...finals.values()].map((w) => w.result);
  const sum = (f: (m: MinuteStats) => number) => all.reduce((n, m) => n + f(m), 0);
  const topics = new Map<string, number>();
  for (const m of all) for (const t of m.topTopics) topics.set(t.topic, (topics.get(t.topic) ?? 0) + t.count);
  const total = sum((m) => m.comments);
  return {
    pipeline: subjects.name,
    model: o.model.id,
    offline: o.model.offline,
    seconds: Math.round(((performance.now() - started) / 1000) * 10) / 10,
    comments: comments.length,
    guests: comments.filter((c) => c.userId.startsWith('G-')).length,
    deadLetters: dead.size,
    minutes: finals.size,
    partialResults: partials,
    sentiment: {
      positive: sum((m) => m.sentiment.positive),
      neutral: sum((m) => m.sentiment.neutral),
      negative: sum((m) => m.sentiment.negative),
    },
    questions: sum((m) => m.questionCount),
    vipShare: total === 0 ? 0 : Math.round((sum((m) => m.vipShare * m.comments) / total) * 1000) / 1000,
    topTopics: [...topics]
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, 5)
      .map(([topic, count]) => ({ topic, count })),
    feedback: [...feedback.values()].sort((a, b) => a.start - b.start),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
