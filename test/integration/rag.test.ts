import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JetStreamLog, streamName } from '../../connectors/jetstream/index.ts';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { PgStore } from '../../connectors/postgres/pg-store.ts';
import { sqlMemory } from '../../connectors/sql/sql-memory.ts';
import type { Log } from '../../core/log/log.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import type { Json, Store } from '../../core/store/store.ts';
import { offlineEmbedder } from '../../memory/embedders/offline-embedder.ts';
import {
  type Answer,
  documentsPipeline,
  questionsPipeline,
  ragSubjects,
} from '../../scenarios/rag/rag-pipelines.ts';
import { createTestDatabase, type TestDatabase } from '../services/index.ts';
import { waitUntil } from '../services/wait-until.ts';
import { deleteStreams } from '../support/delete-streams.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const DOCS = {
  shipping:
    'Orders ship within two working days. Parcels go with DHL in Germany and with SF Express in China. A parcel that has not arrived after ten days is refunded in full.',
  refunds:
    'Refunds go back to the card used for the order within five days. A broken item is replaced or refunded; keep the packaging for the courier.',
  ledger:
    'When checkout fails with ECONNRESET from the ledger service, fail over to the ledger replica and page the payments on-call. Settlement retries every minute.',
};

let database: TestDatabase;
const streams: string[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await deleteStreams(inject('natsUrl'), streams);
  await database?.drop();
});

interface Setup {
  readonly log: Log;
  readonly store: Store & { migrate(): Promise<void> };
  readonly close: () => Promise<void>;
}

const setups: Record<string, () => Promise<Setup>> = {
  'embedded (memory log + PGlite, offline embedder and model)': async () => {
    const store = new PgliteStore();
    return { log: new MemoryLog(), store, close: () => store.close() };
  },
  'NATS JetStream + PostgreSQL with pgvector': async () => {
    const store = new PgStore({ url: database.url, maxConnections: 4 });
    const log = await JetStreamLog.connect({ servers: inject('natsUrl') });
    return {
      log,
      store,
      close: async () => {
        await log.close();
        await store.close();
      },
    };
  },
};

async function readAll(log: Log, subject: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let p = 0; p < (await log.partitions(subject)); p++) {
    for await (const e of log.read(subject, p, 1)) out.push(JSON.parse(decoder.decode(e.payload)) as Json);
  }
  return out;
}

describe.each(Object.keys(setups))('real-time RAG: %s', (kind) => {
  it('answers questions from the documents written before them, with citations, once each; updates and deletes take effect', async () => {
    const { log, store, close } = await (setups[kind] as () => Promise<Setup>)();
    const prefix = `rag-${randomUUID().slice(0, 8)}`;
    const subjects = ragSubjects(prefix);
    try {
      await store.migrate();
      const embedder = offlineEmbedder({ dimensions: 256 });
      const documents = await sqlMemory(store as PgliteStore).collection({
        name: prefix.replaceAll('-', '_'),
        dimensions: 256,
      });
      for (const subject of [subjects.documents, subjects.questions]) {
        await log.ensureTopic({ subject, partitions: 2 });
        streams.push(streamName(subject));
      }
      streams.push(streamName(subjects.answers), streamName(`${prefix}-documents.dead-letter`));
      streams.push(streamName(`${prefix}-questions.dead-letter`));
      const setup = { log, store, documents, embedder, prefix, model: 'offline' };
      const docs = documentsPipeline(setup);
      docs.subscribe();
      await docs.start();
      const put = (docId: string, body: Json, n: number) =>
        log.append(subjects.documents, {
          key: docId,
          msgId: `${docId}-${n}`,
          payload: encoder.encode(JSON.stringify(body)),
        });
      for (const [docId, text] of Object.entries(DOCS)) {
        await put(docId, { kind: 'upsert', docId, title: docId, text }, 1);
      }
      // Each document is short enough for one or two chunks: wait for all of them.
      expect(
        await waitUntil(async () => (await documents.count('kb')) >= 3, { timeoutMs: 20_000 }),
      ).toBeUndefined();

      const questions = questionsPipeline(setup);
      questions.subscribe();
      await questions.start();
      const ask = (questionId: string, text: string) =>
        log.append(subjects.questions, {
          key: questionId,
          msgId: questionId,
          payload: encoder.encode(JSON.stringify({ questionId, text })),
        });
      await ask('q1', 'checkout fails with ECONNRESET, what do I do?');
      await ask('q2', 'my parcel has not arrived after ten days');
      await ask('q1', 'checkout fails with ECONNRESET, what do I do?'); // re-sent: deduplicated by msg id
      const answers = async () => (await readAll(log, subjects.answers)) as unknown as Answer[];
      expect(
        await waitUntil(async () => (await answers()).length >= 2, { timeoutMs: 20_000 }),
      ).toBeUndefined();
      const byQuestion = new Map((await answers()).map((a) => [a.questionId, a]));
      expect(byQuestion.get('q1')?.matches[0]?.metadata.docId).toBe('ledger');
      expect(byQuestion.get('q2')?.matches[0]?.metadata.docId).toBe('shipping');
      for (const a of byQuestion.values()) {
        expect(a.answer).toEqual({ answer: expect.any(String), citations: expect.any(Array) });
        expect(a.matches.length).toBeGreaterThan(0);
        expect(a).not.toHaveProperty('embedding');
      }

      // The ledger runbook is deleted, the shipping policy shortened: the next question sees that.
      await put('ledger', { kind: 'delete', docId: 'ledger' }, 2);
      await put(
        'shipping',
        { kind: 'upsert', docId: 'shipping', title: 'shipping', text: 'Orders ship in one day.' },
        2,
      );
      expect(
        await waitUntil(
          async () =>
            (await documents.get('kb', 'ledger#0')) === undefined &&
            (await documents.get('kb', 'shipping#0'))?.text === 'Orders ship in one day.',
          { timeoutMs: 20_000 },
        ),
      ).toBeUndefined();
      await ask('q3', 'checkout fails with ECONNRESET from the ledger');
      expect(
        await waitUntil(async () => (await answers()).length >= 3, { timeoutMs: 20_000 }),
      ).toBeUndefined();
      const q3 = (await answers()).find((a) => a.questionId === 'q3');
      expect(q3?.matches.map((m) => m.metadata.docId)).not.toContain('ledger');

      // A restart answers nothing again.
      await questions.stop();
      const again = questionsPipeline(setup);
      again.subscribe();
      await again.start();
      await ask('q4', 'how do refunds work?');
      expect(
        await waitUntil(async () => (await answers()).length >= 4, { timeoutMs: 20_000 }),
      ).toBeUndefined();
      await again.stop();
      await docs.stop();
      const all = await answers();
      expect(all.map((a) => a.questionId).sort()).toEqual(['q1', 'q2', 'q3', 'q4']);
    } finally {
      await close();
    }
  }, 90_000);
});
