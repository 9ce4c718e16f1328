import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatModel } from '../../agents/models/chat-model-factory.ts';
import { smtpMailer } from '../../connectors/mail/smtp-mailer.ts';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import type { DeadLetter } from '../../core/runtime/dead-letter.ts';
import { type MailCatcher, startMailCatcher } from '../../scenarios/shared/mail-catcher.ts';
import { SubjectTail } from '../../scenarios/shared/subject-tail.ts';
import { products } from '../../scenarios/voc/products.ts';
import { runVoc, vocFeed } from '../../scenarios/voc/run-voc.ts';
import type { ScoredReview } from '../../scenarios/voc/scorer.ts';
import { vocSubjects } from '../../scenarios/voc/subjects.ts';
import type { ProductWindow } from '../../scenarios/voc/suggester.ts';
import type { VocSummary } from '../../scenarios/voc/voc-summary.ts';
import type { WireServer } from '../agents/wire/index.ts';
import { vocReference } from './support/voc-reference.ts';
import { needsRepair, startVocWireModel } from './support/voc-wire-model.ts';

const EVENTS = 400;
const subjects = vocSubjects('voc');

describe('VOC pack on the embedded default, with a model over the OpenAI wire', () => {
  let wire: WireServer;
  let catcher: MailCatcher;
  let log: MemoryLog;
  let store: PgliteStore;
  let summary: VocSummary;
  const reference = vocReference(vocFeed(EVENTS));

  beforeAll(async () => {
    wire = await startVocWireModel();
    catcher = await startMailCatcher();
    log = new MemoryLog();
    store = new PgliteStore();
    await store.migrate();
    const mailer = smtpMailer({ url: catcher.url, from: 'voc@shop.example' });
    const model = chatModel({
      provider: 'openai',
      model: 'voc-scripted',
      baseURL: wire.baseURL,
      apiKey: 'sk-test',
    });
    summary = await runVoc({ events: EVENTS, log, store, db: store.db, model, mailer });
    mailer.close();
  }, 60_000);

  afterAll(async () => {
    await log?.close();
    await store?.close();
    await catcher?.close();
    await wire?.close();
  });

  async function read<T>(subject: string): Promise<T[]> {
    return new SubjectTail<T>(log, subject).poll();
  }

  it('scores every valid review once, as the model answered', async () => {
    const scored = await read<ScoredReview>(subjects.scored);
    const ids = scored.map((s) => s.reviewId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(reference.scored.keys()));
    for (const s of scored) {
      expect(s.type).toBe('scored');
      if (s.type !== 'scored') continue;
      const want = reference.scored.get(s.reviewId);
      expect({ score: s.score, aspects: s.aspects, reasons: s.reasons }).toEqual({
        score: want?.score,
        aspects: want?.aspects,
        reasons: want?.reasons,
      });
    }
    expect(summary.scored).toBe(reference.scored.size);
  });

  it('dead-letters malformed records and reviews of unknown products, with the reason', async () => {
    const dead = await read<DeadLetter>(subjects.deadLetter);
    const decode = dead.filter((d) => d.phase === 'decode');
    const unknown = dead.filter((d) => d.reason.startsWith('LookupMissError'));
    expect(decode.map((d) => d.source?.id).sort()).toEqual([...reference.malformed].sort());
    expect(unknown.map((d) => d.source?.id).sort()).toEqual([...reference.unknown.keys()].sort());
    for (const d of unknown) expect(d.reason).toContain(reference.unknown.get(d.source?.id ?? ''));
    expect(dead).toHaveLength(decode.length + unknown.length);
    expect(reference.malformed.size).toBeGreaterThan(0);
    expect(reference.unknown.size).toBeGreaterThan(0);
  });

  it('mails the logistics manager once per unhappy shipping review, each under its own Message-ID', () => {
    expect(reference.alerts.size).toBeGreaterThan(10);
    expect(catcher.distinctMessageIds()).toBe(reference.alerts.size);
    expect(catcher.mails).toHaveLength(reference.alerts.size);
    const managers = new Map(products().map((p) => [p.id, p.managerEmail]));
    for (const mail of catcher.mails) {
      const review = mail.headers['x-eddy-review'] ?? '';
      expect(reference.alerts.has(review)).toBe(true);
      expect(mail.to).toEqual([managers.get(reference.alerts.get(review) ?? '')]);
      expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@shop\.example>$/);
    }
    expect(summary.mailsSent).toBe(reference.alerts.size);
  });

  it('closes every product minute once, with the histogram of a reference computed from the raw reviews', async () => {
    const windows = await read<ProductWindow>(subjects.suggestions);
    const got = new Map(windows.map((w) => [`${w.productId}@${w.start}`, w]));
    expect(got.size).toBe(windows.length);
    expect(new Set(got.keys())).toEqual(new Set(reference.windows.keys()));
    for (const [id, w] of got) {
      expect(w.histogram).toEqual(reference.windows.get(id));
      expect(w.suggestions).toHaveLength(3);
    }
    const rows = await store.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM voc_product_windows WHERE pipeline = 'voc'",
    );
    expect(rows.rows[0]?.n).toBe(reference.windows.size);
    expect(summary.windows).toBe(reference.windows.size);
  });

  it('asks the model once per review (twice when its answer needs a repair) and once per window', () => {
    const repairs = [...reference.scored.keys()].filter(needsRepair).length;
    expect(repairs).toBeGreaterThan(0);
    expect(wire.requests).toHaveLength(reference.scored.size + repairs + reference.windows.size);
  });
});
