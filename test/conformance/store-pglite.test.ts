import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { migrations } from '../../connectors/sql/migrations.ts';
import { type OpenedStore, storeConformance } from './store.ts';
import { emptyBatch, event } from './store-fixtures.ts';

// One PGlite per file (start-up takes a second or more); each test opens its
// own store on it and uses names of its own.
let main: PgliteStore;

beforeAll(async () => {
  main = new PgliteStore();
  await main.migrate();
}, 120_000);

afterAll(() => main?.close());

const onMain = async (): Promise<OpenedStore> => {
  const store = new PgliteStore({ db: main.db });
  return { store, close: () => store.close(), peer: onMain };
};

storeConformance('PgliteStore', onMain, { propertyRuns: 25 });

describe('PgliteStore specifics', () => {
  it('has the vector extension created for memory', async () => {
    const { rows } = await main.db.query<{ d: number }>(`SELECT '[1,0]'::vector <=> '[0,1]'::vector AS d`);
    expect(rows[0]?.d).toBe(1);
  });

  it('records every migration once', async () => {
    await Promise.all([main.migrate(), new PgliteStore({ db: main.db }).migrate()]);
    const { rows } = await main.db.query<{ version: number }>(
      'SELECT version FROM eddy_schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
  });

  it('never runs a statement inside a transaction someone else holds open on the instance', async () => {
    const store = new PgliteStore({ db: main.db });
    const claim = await store.claim('foreign-tx', 0, 'a');
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rolledBack = main.db
      .transaction(async (tx) => {
        await tx.query('SELECT 1');
        await held;
        await tx.rollback();
      })
      .catch(() => {});
    const committed = store.commit({ ...emptyBatch(claim), events: [event('foreign-tx-actor', 'k', 1)] });
    // The commit waits for the transaction instead of joining it...
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await Promise.all([rolledBack, committed]);
    // ...so the rollback does not take it along.
    expect(await store.journal('foreign-tx-actor', 'k')).toEqual([event('foreign-tx-actor', 'k', 1)]);
  });

  it('lets timers run between statements, however many are queued', async () => {
    const store = new PgliteStore({ db: main.db });
    let fired = false;
    let loadsBeforeTimer = -1;
    let done = 0;
    setTimeout(() => {
      fired = true;
      loadsBeforeTimer = done;
    }, 0);
    await Promise.all(
      Array.from({ length: 500 }, async (_, i) => {
        await store.load('starve-actor', `k${i}`, 'starve', 0);
        done++;
      }),
    );
    // PGlite settles statements in microtasks: without a turn of the event loop per
    // statement, the timer (a commit interval, a lease renewal) would wait for all 500.
    expect(fired).toBe(true);
    expect(loadsBeforeTimer).toBeLessThan(500);
  });

  it('closing a store on a shared instance leaves the instance open', async () => {
    const store = new PgliteStore({ db: main.db });
    await store.close();
    expect(main.db.closed).toBe(false);
    expect(await main.journal('nobody', 'k')).toEqual([]);
  });

  it('keeps its data in dataDir across a reopen', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eddy-pglite-'));
    try {
      const first = new PgliteStore({ dataDir: dir });
      await first.migrate();
      const claim = await first.claim('disk', 0, 'a');
      await first.commit({ ...emptyBatch(claim), events: [event('disk-actor', 'k', 1)], watermark: 7 });
      await first.close();
      expect(first.db.closed).toBe(true);
      const second = new PgliteStore({ dataDir: dir });
      try {
        await second.migrate();
        expect(await second.journal('disk-actor', 'k')).toEqual([event('disk-actor', 'k', 1)]);
        expect(await second.claim('disk', 0, 'b')).toMatchObject({ epoch: 2, watermark: 7 });
      } finally {
        await second.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
