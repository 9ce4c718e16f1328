import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatModel } from '../../agents/models/chat-model-factory.ts';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import type { WindowResult } from '../../core/windows/window-types.ts';
import type { StreamerFeedback } from '../../scenarios/livestream/feedback-agent.ts';
import type { MinuteStats } from '../../scenarios/livestream/minute-stats.ts';
import { type LiveSummary, liveFeed, runLivestream } from '../../scenarios/livestream/run-livestream.ts';
import { liveSubjects } from '../../scenarios/livestream/subjects.ts';
import { SubjectTail } from '../../scenarios/shared/subject-tail.ts';
import type { WireServer } from '../agents/wire/index.ts';
import { liveReference } from './support/live-reference.ts';
import { startLiveWireModel } from './support/live-wire-model.ts';

const EVENTS = 700;
const subjects = liveSubjects();

describe('live-stream pack on the embedded default, with a model over the OpenAI wire', () => {
  let wire: WireServer;
  let log: MemoryLog;
  let store: PgliteStore;
  let summary: LiveSummary;
  const comments = liveFeed(EVENTS);
  const reference = liveReference(comments);

  beforeAll(async () => {
    wire = await startLiveWireModel();
    log = new MemoryLog();
    store = new PgliteStore();
    await store.migrate();
    const model = chatModel({
      provider: 'openai',
      model: 'live-scripted',
      baseURL: wire.baseURL,
      apiKey: 'sk-test',
    });
    summary = await runLivestream({
      events: EVENTS,
      rate: 300,
      earlyFiringMs: 500,
      log,
      store,
      db: store.db,
      model,
    });
  }, 90_000);

  afterAll(async () => {
    await log?.close();
    await store?.close();
    await wire?.close();
  });

  it('closes every minute once with what a reference computes from the raw comments and profiles', async () => {
    expect(reference.size).toBeGreaterThanOrEqual(2);
    const windows = await new SubjectTail<WindowResult<MinuteStats>>(log, subjects.windows).poll();
    const finals = windows.filter((w) => w.kind === 'final');
    expect(finals.map((w) => w.start).sort()).toEqual([...reference.keys()].sort());
    for (const w of finals) {
      const want = reference.get(w.start);
      expect(want).toBeDefined();
      if (!want) continue;
      expect(w.key).toBe('live-1');
      expect(w.result.comments).toBe(want.comments);
      expect(w.result.sentiment).toEqual({
        positive: want.positive,
        neutral: want.neutral,
        negative: want.negative,
      });
      expect(w.result.questionCount).toBe(want.questions);
      expect(w.result.spamShare).toBeCloseTo(want.spam / want.comments, 3);
      expect(w.result.vipShare).toBeCloseTo(want.vip / want.comments, 3);
      expect(w.result.topTopics.map((t) => t.topic)).not.toContain('spam');
      expect(w.result.questions.length).toBe(Math.min(5, new Set(w.result.questions).size));
    }
    // Early results: marked partial, and never more than the minute ends with.
    const partials = windows.filter((w) => w.kind === 'partial');
    expect(partials.length).toBeGreaterThan(0);
    for (const p of partials) expect(p.count).toBeLessThanOrEqual(reference.get(p.start)?.comments ?? 0);
    expect(summary.minutes).toBe(reference.size);
  });

  it('turns each closed minute into one piece of advice on the feedback subject', async () => {
    const feedback = await new SubjectTail<StreamerFeedback>(log, subjects.feedback).poll();
    expect(subjects.feedback).toBe('livestream.feedback');
    expect(feedback.map((f) => f.start).sort()).toEqual([...reference.keys()].sort());
    for (const f of feedback)
      expect(f.advice).toBe(`Answer the ${reference.get(f.start)?.questions} questions of this minute.`);
  });

  it('asks the model twice per comment (sentiment, topic) and once per minute, never again', () => {
    expect(wire.requests).toHaveLength(2 * EVENTS + reference.size);
    expect(summary.guests).toBeGreaterThan(0);
  });
});
