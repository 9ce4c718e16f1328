import { describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exit-codes.ts';
import { spawnEddy, waitForPort } from '../scenarios/support/spawn-scenario.ts';
import { waitUntil } from '../services/wait-until.ts';

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
