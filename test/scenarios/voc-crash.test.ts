import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JetStreamLog } from '../../connectors/jetstream/jetstream-log.ts';
import { streamName } from '../../connectors/jetstream/names.ts';
import type { DeadLetter } from '../../core/runtime/dead-letter.ts';
import { type MailCatcher, startMailCatcher } from '../../scenarios/shared/mail-catcher.ts';
import { SubjectTail } from '../../scenarios/shared/subject-tail.ts';
import { vocFeed } from '../../scenarios/voc/run-voc.ts';
import type { ScoredReview } from '../../scenarios/voc/scorer.ts';
import { pipelineNameFor, vocSubjects } from '../../scenarios/voc/subjects.ts';
import type { ProductWindow } from '../../scenarios/voc/suggester.ts';
import type { WireServer } from '../agents/wire/index.ts';
import { createTestDatabase, type TestDatabase } from '../services/database.ts';
import { waitUntil } from '../services/wait-until.ts';
import { deleteStreamsWithPrefix } from '../support/delete-streams.ts';
import { spawnEddy } from './support/spawn-scenario.ts';
import { vocReference } from './support/voc-reference.ts';
import { startVocWireModel } from './support/voc-wire-model.ts';

const EVENTS = 600;
// A seed of this file's own: its pipeline (`voc-s<seed>`) and streams are nobody else's on the shared server.
const SEED = 4_242;
const subjects = vocSubjects(pipelineNameFor(SEED));
const natsUrl = inject('natsUrl');

describe('VOC pack on NATS + PostgreSQL, its process killed with SIGKILL mid-run and started again', () => {
  let db: TestDatabase;
  let wire: WireServer;
  let catcher: MailCatcher;

  const start = () =>
    spawnEddy(
      [
        'scenario',
        'voc',
        '--servers',
        '--json',
        '--events',
        String(EVENTS),
        '--seed',
        String(SEED),
        '--rate',
        '200',
        '--model',
        'openai:voc-scripted',
      ],
      {
        NATS_URL: natsUrl,
        DATABASE_URL: db.url,
        OPENAI_API_KEY: 'sk-test-crash',
        OPENAI_BASE_URL: wire.baseURL,
        SMTP_URL: catcher.url,
      },
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    wire = await startVocWireModel();
    catcher = await startMailCatcher();
  });

  afterAll(async () => {
    await catcher?.close();
    await wire?.close();
    await db?.drop();
    await deleteStreamsWithPrefix(natsUrl, streamName(subjects.name));
  });

  it('loses and duplicates nothing: each review scored once, one Message-ID per alert, each window once', async () => {
    const first = start();
    // Killed once it is well into the work: mails going out, the model answering.
    const failure = await waitUntil(async () => catcher.mails.length >= 8 && wire.requests.length >= 120, {
      timeoutMs: 60_000,
      abort: () => (first.child.exitCode === null ? undefined : `the first run ended: ${first.stderr()}`),
    });
    expect(failure).toBeUndefined();
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const mailsBefore = catcher.mails.length;

    const second = start();
    const { code } = await second.exited;
    expect(code, second.stderr()).toBe(0);
    const summary = JSON.parse(second.stdout()) as { scored: number; windows: number; runtime: string };
    expect(summary.runtime).toBe('servers');

    const reference = vocReference(vocFeed(EVENTS, SEED));
    const log = await JetStreamLog.connect({ servers: natsUrl });
    try {
      const scored = await new SubjectTail<ScoredReview>(log, subjects.scored).poll();
      expect(scored.map((s) => s.reviewId).sort()).toEqual([...reference.scored.keys()].sort());

      // A mail sent before the kill whose review was not committed goes out again, under the same Message-ID.
      expect(new Set(catcher.mails.map((m) => m.messageId)).size).toBe(reference.alerts.size);
      expect(new Set(catcher.mails.map((m) => m.headers['x-eddy-review']))).toEqual(
        new Set(reference.alerts.keys()),
      );
      expect(mailsBefore).toBeLessThan(reference.alerts.size);

      const windows = await new SubjectTail<ProductWindow>(log, subjects.suggestions).poll();
      const ids = windows.map((w) => `${w.productId}@${w.start}`);
      expect(ids.sort()).toEqual([...reference.windows.keys()].sort());
      for (const w of windows)
        expect(w.histogram).toEqual(reference.windows.get(`${w.productId}@${w.start}`));

      const dead = await new SubjectTail<DeadLetter>(log, subjects.deadLetter).poll();
      expect(dead.map((d) => d.source?.id).sort()).toEqual(
        [...reference.malformed, ...reference.unknown.keys()].sort(),
      );
      expect(summary.scored).toBe(reference.scored.size);
      expect(summary.windows).toBe(reference.windows.size);
    } finally {
      await log.close();
    }
  }, 150_000);
});
