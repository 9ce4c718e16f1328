import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXIT } from '../../cli/exit-codes.ts';
import { JetStreamLog } from '../../connectors/jetstream/jetstream-log.ts';
import { streamName } from '../../connectors/jetstream/names.ts';
import { SubjectTail } from '../../scenarios/shared/subject-tail.ts';
import { type EddyProcess, spawnEddy, waitForPort } from '../scenarios/support/spawn-scenario.ts';
import { createTestDatabase, type TestDatabase } from '../services/database.ts';
import { waitUntil } from '../services/wait-until.ts';
import { deleteStreamsWithPrefix } from '../support/delete-streams.ts';

const natsUrl = inject('natsUrl');
const PREFIX = `svc${process.pid}`;
const ORDERS = 2_400;
const KEYS = 60;

interface Instance {
  readonly name: string;
  readonly process: EddyProcess;
  readonly base: string;
}

describe('three eddy run processes of one module on NATS + PostgreSQL', () => {
  let db: TestDatabase;
  let dir: string;
  let log: JetStreamLog;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'eddy-run-'));
    // A config file (the other half of the configuration is the environment).
    writeFileSync(
      join(dir, 'eddy.config.json'),
      JSON.stringify({
        http: { port: 0, host: '127.0.0.1' },
        drainTimeoutMs: 20_000,
        settings: { prefix: PREFIX, leaseMs: 2_000 },
      }),
    );
    log = await JetStreamLog.connect({ servers: natsUrl });
  });

  afterAll(async () => {
    await log?.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
    await deleteStreamsWithPrefix(natsUrl, streamName(PREFIX));
  });

  async function start(name: string): Promise<Instance> {
    const p = spawnEddy(
      ['run', 'test/cli/fixtures/sum-service.ts', '--config', join(dir, 'eddy.config.json')],
      {
        NATS_URL: natsUrl,
        DATABASE_URL: db.url,
        EDDY_INSTANCE: name,
        LOG_LEVEL: 'info',
      },
    );
    return { name, process: p, base: `http://127.0.0.1:${await waitForPort(p)}` };
  }
  const readyz = async (i: Instance) => {
    const res = await fetch(`${i.base}/readyz`);
    return { status: res.status, body: (await res.json()) as { partitions: Record<string, number[][]> } };
  };
  const held = async (i: Instance) => (await readyz(i)).body.partitions[`${PREFIX}-sums`]?.[0] ?? [];

  it('share the partitions, survive a SIGTERM and a SIGKILL, and publish every total exactly once', async () => {
    const instances = [await start('a'), await start('b'), await start('c')];
    const [a, b, c] = instances as [Instance, Instance, Instance];
    // Ready, and between them holding each partition once.
    expect(
      await waitUntil(
        async () => {
          const all = (await Promise.all(instances.map(held))).flat().sort((x, y) => x - y);
          return all.length === 8 && new Set(all).size === 8;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      ),
    ).toBeUndefined();
    for (const i of instances) expect((await readyz(i)).status).toBe(200);

    const amounts = new Map<string, number[]>();
    const encoder = new TextEncoder();
    for (let n = 0; n < ORDERS; n++) {
      const key = `k${n % KEYS}`;
      const amount = 1 + ((n * 7) % 13);
      amounts.set(key, [...(amounts.get(key) ?? []), amount]);
      await log.append(`${PREFIX}.orders`, {
        key,
        msgId: `o-${n}`,
        payload: encoder.encode(JSON.stringify({ id: `o-${n}`, amount })),
      });
      if (n === ORDERS / 3) {
        a.process.child.kill('SIGTERM');
        expect((await a.process.exited).code, a.process.stderr()).toBe(EXIT.ok);
      }
      if (n === (2 * ORDERS) / 3) {
        b.process.child.kill('SIGKILL');
        expect((await b.process.exited).signal).toBe('SIGKILL');
      }
      if (n % 50 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    // The survivor takes every partition once the killed one's leases run out; /readyz shows it.
    expect(
      await waitUntil(async () => (await held(c)).length === 8, { timeoutMs: 30_000, intervalMs: 200 }),
    ).toBeUndefined();

    const totals = new SubjectTail<{ id: string; total: number }>(log, `${PREFIX}.sums`);
    const got: { key: string; value: { id: string; total: number } }[] = [];
    expect(
      await waitUntil(
        async () => {
          got.push(...(await totals.pollEntries()));
          return got.length >= ORDERS;
        },
        { timeoutMs: 60_000, intervalMs: 200 },
      ),
    ).toBeUndefined();
    await new Promise((r) => setTimeout(r, 500));
    got.push(...(await totals.pollEntries()));
    expect(got).toHaveLength(ORDERS);
    expect(new Set(got.map((g) => g.value.id)).size).toBe(ORDERS);
    for (const [key, list] of amounts) {
      let sum = 0;
      const want = list.map((x) => (sum += x));
      const have = got
        .filter((g) => g.key === key)
        .map((g) => g.value.total)
        .sort((x, y) => x - y);
      expect(have, key).toEqual(want);
    }
    // Caught up: no partition the survivor holds is behind the log.
    const lag = (await (await fetch(`${c.base}/metrics`)).text())
      .split('\n')
      .filter((l) => l.startsWith(`eddy_stage_consumer_lag{stage="${PREFIX}-sums"`));
    expect(lag).toHaveLength(8);
    expect(lag.every((l) => l.endsWith(' 0'))).toBe(true);
    c.process.child.kill('SIGTERM');
    expect((await c.process.exited).code, c.process.stderr()).toBe(EXIT.ok);

    // Time travel on what they left: key k7 at its second version is the sum of its first two orders.
    const inspect = async (...args: string[]) => {
      const p = spawnEddy(
        [
          'inspect',
          'test/cli/fixtures/sum-service.ts',
          'svc-sums',
          'k7',
          '--config',
          join(dir, 'eddy.config.json'),
          ...args,
        ],
        {
          NATS_URL: natsUrl,
          DATABASE_URL: db.url,
        },
      );
      const { code } = await p.exited;
      expect(code, p.stderr()).toBe(EXIT.ok);
      return p.stdout();
    };
    const k7 = amounts.get('k7') ?? [];
    const second = JSON.parse(await inspect('--at', '2', '--json')) as {
      version: number;
      state: { total: number };
      journal: unknown[];
    };
    expect(second.version).toBe(2);
    expect(second.state.total).toBe((k7[0] ?? 0) + (k7[1] ?? 0));
    expect(second.journal).toHaveLength(2);
    const last = JSON.parse(await inspect('--json')) as {
      version: number;
      latest: number;
      state: { total: number };
    };
    expect(last.version).toBe(k7.length);
    expect(last.state.total).toBe(k7.reduce((a, x) => a + x, 0));
    expect(await inspect('--at', '1')).toMatch(/svc-sums \/ k7 at version 1 of \d+/);

    // Replay against the same code: nothing differs. Against a deliberate change: the keys it touches.
    const replay = async (module: string, ...which: string[]) => {
      const p = spawnEddy(['replay', module, ...which, '--diff', '--config', join(dir, 'eddy.config.json')], {
        NATS_URL: natsUrl,
        DATABASE_URL: db.url,
      });
      const { code } = await p.exited;
      return { code, out: p.stdout(), err: p.stderr() };
    };
    // Outputs too: every published total is found again on the output subject by its msg id.
    const same = await replay('test/cli/fixtures/sum-service.ts', '--stage', `${PREFIX}-sums`);
    expect(same.code, same.err).toBe(EXIT.ok);
    expect(same.out).toContain(
      `replay of ${PREFIX}-sums: ${KEYS} keys same, 0 changed, 0 diverged (actors svc-sums; outputs compared)`,
    );
    const changed = await replay('test/cli/fixtures/sum-service-changed.ts', '--actor', 'svc-sums');
    expect(changed.code, changed.err).toBe(EXIT.differs);
    const touched = [...amounts].filter(([, list]) => list.includes(13)).map(([key]) => key);
    expect(touched.length).toBeGreaterThan(0);
    expect(changed.out).toContain(
      `${KEYS - touched.length} keys same, ${touched.length} changed, 0 diverged`,
    );
    for (const key of touched) expect(changed.out).toMatch(new RegExp(`changed  ${key} \\(`));
    expect(changed.out).toMatch(/input \d+ svc-sums events: recorded \[\{"type":"Added","amount":13\}\]/);
    expect(changed.out).toMatch(/svc-sums state: recorded \{"total":\d+\}/);
  }, 180_000);
});
