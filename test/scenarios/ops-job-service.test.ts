import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ExceptionEvent, type JobService, startJobService } from '../../scenarios/ops/job-service.ts';
import { jobTools } from '../../scenarios/ops/job-tools.ts';

describe('the ops pack’s job service and its tools', () => {
  let service: JobService;
  const events: ExceptionEvent[] = [];
  beforeAll(async () => {
    service = await startJobService({ jobs: ['a', 'b'], emit: async (e) => void events.push(e) });
  });
  afterAll(() => service.close());

  const post = (path: string, key: string | undefined, body?: object) =>
    fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body ?? {}),
    });
  const health = async (job: string) =>
    (await (await fetch(`${service.url}/jobs/${job}/health`)).json()) as { status: string };

  it('reports a fault as an exception event once per incident, and clears it only with the right remediation', async () => {
    await service.inject({ incidentId: 'I-1', job: 'a', kind: 'checkpoint-timeout' });
    expect(events.map((e) => [e.incidentId, e.kind])).toEqual([['I-1', 'checkpoint-timeout']]);
    expect((await health('a')).status).toBe('degraded');
    expect((await post('/jobs/a/restart', 'k-1')).status).toBe(200);
    expect((await health('a')).status).toBe('degraded');
    expect((await post('/jobs/a/config', 'k-2', { key: 'parallelism', value: 4 })).status).toBe(200);
    expect((await health('a')).status).toBe('degraded');
    expect(
      (await post('/jobs/a/config', 'k-3', { key: 'checkpoint.timeout.ms', value: 120_000 })).status,
    ).toBe(200);
    expect((await health('a')).status).toBe('healthy');
    await service.inject({ incidentId: 'I-1', job: 'a', kind: 'checkpoint-timeout' });
    expect((await health('a')).status).toBe('healthy');
  });

  it('refuses a remediation without a key, with a key it has seen, for a job it does not have, or with a bad value', async () => {
    expect((await post('/jobs/b/restart', undefined)).status).toBe(400);
    expect((await post('/jobs/b/restart', 'k-9')).status).toBe(200);
    const again = await post('/jobs/b/restart', 'k-9');
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: expect.stringMatching(/repeated idempotency key/) });
    expect((await post('/jobs/zzz/restart', 'k-10')).status).toBe(404);
    expect((await post('/jobs/b/config', 'k-11', { key: 'heap', value: 1 })).status).toBe(400);
    expect((await post('/faults', undefined, { incidentId: 'x', job: 'b', kind: 'meltdown' })).status).toBe(
      400,
    );
    expect(service.stats().restarts).toEqual({ a: 1, b: 1 });
    expect(service.stats().repeatedKeys).toBe(1);
  });

  it('gives the agent a restart tool that reports a refused repeat as done, not as a second restart', async () => {
    const [, restart] = jobTools(service.url);
    const first = await restart.call({ job: 'b' }, { idempotencyKey: 'ops-agent/b/step-7' });
    const second = await restart.call({ job: 'b' }, { idempotencyKey: 'ops-agent/b/step-7' });
    expect(first).toMatchObject({ ok: true, value: { done: true, repeated: false } });
    expect(second).toMatchObject({ ok: true, value: { done: true, repeated: true } });
    expect(service.stats().restarts.b).toBe(2);
  });
});
