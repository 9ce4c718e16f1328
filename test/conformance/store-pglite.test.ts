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
