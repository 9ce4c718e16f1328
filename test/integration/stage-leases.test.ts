import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PgStore } from '../../connectors/postgres/pg-store.ts';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import { crash } from '../../core/testing/crash.ts';
import { createTestDatabase, type TestDatabase } from '../services/index.ts';
import { waitUntil } from '../services/wait-until.ts';

// Instances of one stage sharing partitions through leases in a real PostgreSQL.
const PARTITIONS = 7;
const LEASE_MS = 900;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Sum = { readonly total: number; readonly count: number };
type Added = { readonly type: 'Added'; readonly n: number };

const summer = defineActor<Sum, { n: number }, Added, { total: number; n: number }>({
  name: 'lease-sum',
  initial: () => ({ total: 0, count: 0 }),
  decide: (s, input, ctx) => {
    ctx.emit({ total: s.total + input.n, n: s.count + 1 });
    return [{ type: 'Added', n: input.n }];
  },
  evolve: (s, e) => ({ total: s.total + e.n, count: s.count + 1 }),
  snapshot: { every: 5, keep: 1 },
});

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const failure = await waitUntil(async () => probe(), { timeoutMs, intervalMs: 20 });
  if (failure !== undefined) throw new Error(`waiting for ${what}: ${failure}`);
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('Stage instances sharing partitions through leases (PostgreSQL)', () => {
  it('balance within one of even as instances join, leave and die, and apply every input once', async () => {
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'nums', partitions: PARTITIONS });
    const stores: PgStore[] = [];
    const instance = (owner: string) => {
      const store = new PgStore({ url: db.url, maxConnections: 3 });
      stores.push(store);
      return new Stage({
        name: 'lease-sum',
        log,
        store,
        input: 'nums',
        output: 'sums',
        actor: summer,
        schema: z.object({ n: z.number() }),
        owner,
        leaseMs: LEASE_MS,
        commitIntervalMs: 5,
        restartDelayMs: 50,
      });
    };
    const migrator = new PgStore({ url: db.url });
    await migrator.migrate();
    await migrator.close();

    let sent = 0;
    const expected = new Map<string, number>();
    const send = async (count: number): Promise<void> => {
      for (let i = 0; i < count; i++) {
        const key = `k${sent % 40}`;
        const n = (sent % 13) + 1;
        expected.set(key, (expected.get(key) ?? 0) + n);
        await log.append('nums', {
          key,
          payload: encoder.encode(JSON.stringify({ n })),
          msgId: `in-${sent}`,
        });
        sent++;
      }
    };
    const shares = (...stages: Stage<Sum, { n: number }, Added, { total: number; n: number }>[]) =>
      stages.map((s) => s.partitions().length);
    const owned = (s: Stage<Sum, { n: number }, Added, { total: number; n: number }>) => [
      ...s.watermarks().keys(),
    ];
    const balanced = (counts: number[], members: number) =>
      counts.reduce((a, b) => a + b, 0) === PARTITIONS &&
      Math.max(...counts) - Math.min(...counts) <= 1 &&
      counts.every((c) => c >= Math.floor(PARTITIONS / members));

    const a = instance('a');
    await a.start();
    expect(shares(a)).toEqual([PARTITIONS]);
    await send(200);

    const b = instance('b');
    await b.start();
    await send(200);
    await until('a and b balanced', () => balanced(shares(a, b), 2));
    const c = instance('c');
    await c.start();
    await send(200);
    await until('a, b and c balanced', () => balanced(shares(a, b, c), 3));
    expect(new Set([...owned(a), ...owned(b), ...owned(c)]).size).toBe(PARTITIONS);

    // A drained instance hands its partitions over at once (well inside a lease).
    const leftAt = Date.now();
    await a.stop();
    await until('b and c took a over', () => balanced(shares(b, c), 2), LEASE_MS);
    expect(Date.now() - leftAt).toBeLessThan(LEASE_MS);
    await send(200);

    // A dead instance's partitions move once its leases run out.
    crash(c);
    await send(200);
    await until('b took c over', () => shares(b)[0] === PARTITIONS, LEASE_MS * 6);

    await until('every input applied', async () => {
      const totals = await outputsByKey(log);
      return [...expected].every(([key, total]) => totals.get(key)?.at(-1)?.total === total);
    });
    await b.stop();
    const outputs = await outputsByKey(log);
    for (const [key, total] of expected) {
      const rows = outputs.get(key) ?? [];
      // One output per input, in order, none twice: counts run 1, 2, 3, ... and end at the right total.
      expect(rows.map((r) => r.n)).toEqual(rows.map((_, i) => i + 1));
      expect(rows.at(-1)?.total).toBe(total);
    }
    expect([...outputs.values()].reduce((sum, rows) => sum + rows.length, 0)).toBe(sent);
    for (const s of stores) await s.close();
  }, 60_000);
});

async function outputsByKey(log: MemoryLog): Promise<Map<string, { total: number; n: number }[]>> {
  const byKey = new Map<string, { total: number; n: number }[]>();
  for (let p = 0; p < PARTITIONS; p++) {
    for await (const env of log.read('sums', p, 1)) {
      const rows = byKey.get(env.key) ?? [];
      rows.push(JSON.parse(decoder.decode(env.payload)) as { total: number; n: number });
      byKey.set(env.key, rows);
    }
  }
  return byKey;
}
