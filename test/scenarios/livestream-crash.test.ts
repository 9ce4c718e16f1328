import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JetStreamLog } from '../../connectors/jetstream/jetstream-log.ts';
import { streamName } from '../../connectors/jetstream/names.ts';
import type { WindowResult } from '../../core/windows/window-types.ts';
import type { StreamerFeedback } from '../../scenarios/livestream/feedback-agent.ts';
import type { MinuteStats } from '../../scenarios/livestream/minute-stats.ts';
import { liveFeed } from '../../scenarios/livestream/run-livestream.ts';
import { liveSubjects } from '../../scenarios/livestream/subjects.ts';
import { SubjectTail } from '../../scenarios/shared/subject-tail.ts';
import type { WireServer } from '../agents/wire/index.ts';
import { createTestDatabase, type TestDatabase } from '../services/database.ts';
import { waitUntil } from '../services/wait-until.ts';
import { deleteStreamsWithPrefix } from '../support/delete-streams.ts';
import { liveReference } from './support/live-reference.ts';
import { startLiveWireModel } from './support/live-wire-model.ts';
import { spawnEddy } from './support/spawn-scenario.ts';

const EVENTS = 900;
const SEED = 5_151;
const subjects = liveSubjects(SEED);
const natsUrl = inject('natsUrl');

describe('live-stream pack on NATS + PostgreSQL, killed with SIGKILL mid-run and started again', () => {
  let db: TestDatabase;
  let wire: WireServer;
  const start = () =>
    spawnEddy(
      [
        'scenario',
        'livestream',
        '--servers',
        '--json',
        '--events',
        String(EVENTS),
        '--seed',
        String(SEED),
        '--rate',
        '150',
        '--model',
        'openai:live-scripted',
      ],
      {
        NATS_URL: natsUrl,
        DATABASE_URL: db.url,
        OPENAI_API_KEY: 'sk-test-crash',
        OPENAI_BASE_URL: wire.baseURL,
      },
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    wire = await startLiveWireModel();
  });

  afterAll(async () => {
    await wire?.close();
    await db?.drop();
    await deleteStreamsWithPrefix(natsUrl, streamName(subjects.name));
  });

  it('closes every minute once, with the reference’s numbers, and advises once per minute', async () => {
    const first = start();
    const failure = await waitUntil(async () => wire.requests.length >= EVENTS, {
      timeoutMs: 60_000,
      abort: () => (first.child.exitCode === null ? undefined : `the first run ended: ${first.stderr()}`),
    });
    expect(failure).toBeUndefined();
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');

    const second = start();
    const { code } = await second.exited;
    expect(code, second.stderr()).toBe(0);

    const reference = liveReference(liveFeed(EVENTS, SEED));
    const log = await JetStreamLog.connect({ servers: natsUrl });
    try {
      const windows = await new SubjectTail<WindowResult<MinuteStats>>(log, subjects.windows).poll();
      const finals = windows.filter((w) => w.kind === 'final');
      expect(finals.map((w) => w.start).sort()).toEqual([...reference.keys()].sort());
      for (const w of finals) {
        const want = reference.get(w.start);
        expect(w.result.comments).toBe(want?.comments);
        expect(w.result.sentiment).toEqual({
          positive: want?.positive,
          neutral: want?.neutral,
          negative: want?.negative,
        });
        expect(w.result.questionCount).toBe(want?.questions);
      }
      const feedback = await new SubjectTail<StreamerFeedback>(log, subjects.feedback).poll();
      expect(feedback.map((f) => f.start).sort()).toEqual([...reference.keys()].sort());
    } finally {
      await log.close();
    }
  }, 150_000);
});
