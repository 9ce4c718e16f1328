import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { JetStreamLog, streamName } from '../../connectors/jetstream/index.ts';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { PgStore } from '../../connectors/postgres/pg-store.ts';
import { type LookupDatabase, sqlLookupTable } from '../../connectors/sql/sql-lookup-table.ts';
import type { Log } from '../../core/log/log.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { lookupJoin } from '../../core/lookup/lookup-join.ts';
import type { Committed } from '../../core/pipeline/committed.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { actor, keyBy, to } from '../../core/pipeline/steps.ts';
import type { Store } from '../../core/store/store.ts';
import { tumbling } from '../../core/windows/window-assigner.ts';
import { windowed } from '../../core/windows/windowed.ts';
import { createTestDatabase, type TestDatabase } from '../services/database.ts';
import { waitUntil } from '../services/wait-until.ts';
import { deleteStreams } from '../support/delete-streams.ts';

// The shape every scenario pack uses: a validating source, a lookup join, a keyBy, a tumbling
// window with early firing and a late side output — on the embedded default and on real servers.
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 1, 9, 0, 0);
const Review = z.object({ product: z.string(), stars: z.number().int().min(1).max(5) });
const Product = z.object({ id: z.string(), category: z.string() });

interface Setup {
  readonly log: Log;
  readonly store: Store;
  readonly db: LookupDatabase;
  close(): Promise<void>;
}

let database: TestDatabase;
const streams: string[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await deleteStreams(inject('natsUrl'), streams);
  await database?.drop();
});

const setups: Record<string, () => Promise<Setup>> = {
  'embedded (memory log + PGlite)': async () => {
    const store = new PgliteStore();
    await store.migrate();
    return { log: new MemoryLog(), store, db: store.db, close: () => store.close() };
  },
  'NATS JetStream + PostgreSQL': async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 4 });
    const store = new PgStore({ pool });
    await store.migrate();
    const log = await JetStreamLog.connect({ servers: inject('natsUrl') });
    return {
      log,
      store,
      db: pool,
      close: async () => {
        await log.close();
        await store.close();
        await pool.end();
      },
    };
  },
};

describe.each(Object.keys(setups))(
  'validate, lookupJoin, keyBy, window with early firing and a late side output: %s',
  (kind) => {
    it('closes each category-minute with the average stars, early partials first, late and bad records aside', async () => {
      const { log, store, db, close } = await (setups[kind] as () => Promise<Setup>)();
      const name = `sat-${randomUUID().slice(0, 8)}`;
      const input = `${name}-reviews`;
      await db.query(`CREATE TABLE ${name.replace('-', '_')}_products (id text PRIMARY KEY, category text)`);
      const table = `${name.replace('-', '_')}_products`;
      await db.query(`INSERT INTO ${table} VALUES ('p1', 'shoes'), ('p2', 'shoes'), ('p3', 'bags')`);
      await log.ensureTopic({ subject: input, partitions: 1 });
      const satisfaction = windowed({
        name: `${name}.satisfaction`,
        window: tumbling(MINUTE),
        aggregate: {
          create: () => ({ n: 0, stars: 0 }),
          add: (a: { n: number; stars: number }, r: { stars: number }) => ({
            n: a.n + 1,
            stars: a.stars + r.stars,
          }),
          result: (a) => ({ reviews: a.n, average: Number((a.stars / a.n).toFixed(2)) }),
        },
        earlyFiringMs: 30,
      });
      streams.push(
        ...[
          input,
          `${name}.keyby-1`,
          `${name}.dead-letter`,
          `${name}.satisfaction.late`,
          `${name}.scores`,
        ].map(streamName),
      );
      const running = pipeline(
        { name, log, store, commitIntervalMs: 2 },
        from(input, Review).pipe(
          lookupJoin(sqlLookupTable({ db, table, key: 'id', schema: Product }), {
            key: (r) => r.product,
            select: (r, p) => ({ category: p.category, stars: r.stars }),
          }),
          keyBy((r) => r.category),
          actor(satisfaction),
          to(`${name}.scores`),
        ),
      );
      const results: Committed<unknown>[] = [];
      const letters: Committed<unknown>[] = [];
      running.subscribe((c) => results.push(c));
      running.deadLetters$.subscribe((d) => letters.push(d));
      await running.start();
      const encoder = new TextEncoder();
      let n = 0;
      const send = async (body: string, at: number) => {
        await log.append(input, {
          key: `u${n % 3}`,
          msgId: `m${n++}`,
          eventTime: at,
          payload: encoder.encode(body),
        });
      };
      const review = (product: string, stars: number) => JSON.stringify({ product, stars });
      // Minute 0: three shoe reviews, a bag review, one malformed and one of an unknown product.
      await send(review('p1', 5), T0 + 1_000);
      await send(review('p2', 3), T0 + 20_000);
      await send(review('p3', 1), T0 + 30_000);
      await send('{"product":"p1","stars":9}', T0 + 31_000);
      await send(review('p9', 4), T0 + 32_000);
      await send(review('p1', 4), T0 + 40_000);
      const kinds = () => results.map((r) => (r.value as { kind: string }).kind);
      // Early firing: partial results while minute 0 is open.
      expect(await waitUntil(async () => kinds().includes('partial'), { timeoutMs: 10_000 })).toBeUndefined();
      // Minute 1 closes minute 0.
      await send(review('p3', 2), T0 + MINUTE + 5_000);
      await send(review('p2', 2), T0 + MINUTE + 6_000);
      expect(
        await waitUntil(
          async () => kinds().filter((k) => k === 'final').length === 2 && letters.length === 2,
          {
            timeoutMs: 20_000,
          },
        ),
      ).toBeUndefined();
      // A review of minute 0 after that is late: the late subject, not a window.
      await send(review('p1', 1), T0 + 50_000);
      const late: unknown[] = [];
      const readLate = async () => {
        late.length = 0;
        for await (const e of log.read(`${name}.satisfaction.late`, 0, 1))
          late.push(JSON.parse(new TextDecoder().decode(e.payload)));
        return late.length === 1;
      };
      expect(await waitUntil(readLate, { timeoutMs: 20_000 })).toBeUndefined();
      expect(late).toMatchObject([
        { kind: 'late', key: 'shoes', start: T0, record: { category: 'shoes', stars: 1 } },
      ]);
      const finals = results
        .map((r) => r.value as { kind: string; key: string; start: number; result: unknown })
        .filter((v) => v.kind === 'final')
        .map(({ key, start, result }) => ({ key, start, result }))
        .sort((a, b) => a.key.localeCompare(b.key));
      expect(finals).toEqual([
        { key: 'bags', start: T0, result: { reviews: 1, average: 1 } },
        { key: 'shoes', start: T0, result: { reviews: 3, average: 4 } },
      ]);
      expect(
        letters.map((d) => (d.value as { phase: string; reason: string }).reason.split(':')[0]).sort(),
      ).toEqual(['InputDecodeError', 'LookupMissError']);
      expect(kinds().filter((kind) => kind === 'final')).toHaveLength(2);
      await running.stop();
      await close();
    }, 60_000);
  },
);
