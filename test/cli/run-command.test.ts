import { describe, expect, inject, it } from 'vitest';
import { EXIT } from '../../cli/exit-codes.ts';
import { JetStreamLog } from '../../connectors/jetstream/jetstream-log.ts';
import { SubjectTail } from '../../scenarios/shared/subject-tail.ts';
import { spawnEddy, waitForPort } from '../scenarios/support/spawn-scenario.ts';
import { createTestDatabase } from '../services/database.ts';
import { waitUntil } from '../services/wait-until.ts';
import { deleteStreamsWithPrefix } from '../support/delete-streams.ts';

describe('eddy run on the embedded default', () => {
  it('serves /healthz, /readyz and /metrics, scrubs secrets from its logs, and drains on SIGTERM', async () => {
    const key = 'sk-live-0123456789abcdef';
    const p = spawnEddy(['run', 'test/cli/fixtures/sum-service.ts', '--port', '0'], {
      OPENAI_API_KEY: key,
      FIXTURE_LEAK: '1',
      EDDY_INSTANCE: 'solo',
    });
    const port = await waitForPort(p);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(
      await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 200, { timeoutMs: 20_000 }),
    ).toBeUndefined();
    const ready = (await (await fetch(`${base}/readyz`)).json()) as {
      partitions: Record<string, number[][]>;
    };
    expect(ready.partitions['svc-sums']).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]]);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^eddy_stage_partitions\{.*stage="svc-sums".*\} 8$/m);
    expect(metrics).toContain('process_cpu_seconds_total');
    expect(metrics).toContain('# TYPE eddy_stage_active_keys gauge');
    expect(metrics).toContain('# TYPE eddy_stage_passivations_total counter');
    expect((await fetch(`${base}/nope`)).status).toBe(404);

    p.child.kill('SIGTERM');
    const { code } = await p.exited;
    expect(code, p.stderr()).toBe(EXIT.ok);
    const lines = p
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(lines.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'eddy run: listening',
        'eddy run: ready',
        'eddy run: draining',
        'eddy run: drained, leases released',
      ]),
    );
    expect(p.stdout()).not.toContain(key);
    expect(p.stdout()).toContain('starting with ***');
  }, 60_000);

  it('says what is wrong with a module or a config, with exit 78', async () => {
    const notModule = spawnEddy(['run', 'test/cli/fixtures/not-a-module.ts'], {});
    expect((await notModule.exited).code).toBe(EXIT.config);
    expect(notModule.stderr()).toMatch(/must export default definePipelines/);
    const badPort = spawnEddy(['run', 'test/cli/fixtures/sum-service.ts'], { EDDY_HTTP_PORT: '99999' });
    expect((await badPort.exited).code).toBe(EXIT.config);
    expect(badPort.stderr()).toMatch(/http\.port: Too big/);
  }, 30_000);
});

describe('eddy run on NATS + PostgreSQL: approvals pending', () => {
  it('counts an agent’s approval request as pending until it is decided', async () => {
    const db = await createTestDatabase();
    const natsUrl = inject('natsUrl');
    const log = await JetStreamLog.connect({ servers: natsUrl });
    const p = spawnEddy(['run', 'test/cli/fixtures/approval-service.ts', '--port', '0'], {
      NATS_URL: natsUrl,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'info',
    });
    try {
      const base = `http://127.0.0.1:${await waitForPort(p)}`;
      expect(
        await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 200, { timeoutMs: 20_000 }),
      ).toBeUndefined();
      const pending = async () => {
        const line = (await (await fetch(`${base}/metrics`)).text())
          .split('\n')
          .find((l) => l.startsWith('eddy_agent_approvals_pending{stage="appr",agent="appr-agent"}'));
        return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
      };
      const encode = (v: object) => new TextEncoder().encode(JSON.stringify(v));
      await log.append('appr.in', { key: 'job-1', msgId: 'a1', payload: encode({ job: 'job-1' }) });
      expect(await waitUntil(async () => (await pending()) === 1, { timeoutMs: 20_000 })).toBeUndefined();
      const requests = new SubjectTail<{ type: string; requestId: string }>(log, 'appr.out');
      let requestId = '';
      expect(
        await waitUntil(
          async () => {
            requestId =
              (await requests.poll()).find((r) => r.type === 'approval-request')?.requestId ?? requestId;
            return requestId !== '';
          },
          { timeoutMs: 10_000 },
        ),
      ).toBeUndefined();
      await log.append('appr.in', {
        key: 'job-1',
        msgId: 'a2',
        payload: encode({ type: 'approval', requestId, approved: true, by: 'ana' }),
      });
      expect(await waitUntil(async () => (await pending()) === 0, { timeoutMs: 20_000 })).toBeUndefined();
      p.child.kill('SIGTERM');
      expect((await p.exited).code).toBe(EXIT.ok);
    } finally {
      p.child.kill('SIGKILL');
      await log.close();
      await db.drop();
      await deleteStreamsWithPrefix(natsUrl, 'appr_');
    }
  }, 60_000);
});

describe('eddy run on NATS + PostgreSQL: a drain', () => {
  it('is not ready while it drains, and finishes and commits the work in flight before it exits', async () => {
    const db = await createTestDatabase();
    const natsUrl = inject('natsUrl');
    const prefix = `drain${process.pid}`;
    const log = await JetStreamLog.connect({ servers: natsUrl });
    const p = spawnEddy(['run', 'test/cli/fixtures/sum-service.ts', '--port', '0'], {
      NATS_URL: natsUrl,
      DATABASE_URL: db.url,
      LOG_LEVEL: 'info',
      FIXTURE_SLOW_MS: '3000',
    });
    try {
      const base = `http://127.0.0.1:${await waitForPort(p)}`;
      expect(
        await waitUntil(async () => (await fetch(`${base}/readyz`)).status === 200, { timeoutMs: 20_000 }),
      ).toBeUndefined();
      await log.append('svc.orders', {
        key: 'k1',
        msgId: `${prefix}-o1`,
        payload: new TextEncoder().encode(JSON.stringify({ id: 'o1', amount: 5 })),
      });
      await new Promise((r) => setTimeout(r, 700)); // the order is in its slow call now
      p.child.kill('SIGTERM');
      let draining = false;
      expect(
        await waitUntil(
          async () => {
            const res = await fetch(`${base}/readyz`).catch(() => undefined);
            if (res?.status === 503) draining = ((await res.json()) as { draining: boolean }).draining;
            return draining;
          },
          { timeoutMs: 3_000, intervalMs: 50 },
        ),
      ).toBeUndefined();
      expect((await p.exited).code, p.stderr()).toBe(EXIT.ok);
      const totals = await new SubjectTail<{ id: string; total: number }>(log, 'svc.sums').poll();
      expect(totals).toEqual([{ id: 'o1', total: 5 }]);
    } finally {
      p.child.kill('SIGKILL');
      await log.close();
      await db.drop();
      await deleteStreamsWithPrefix(natsUrl, 'svc_');
    }
  }, 60_000);
});
