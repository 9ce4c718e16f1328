import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import type { Logger } from '../../core/logger.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { CommitBatch } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';

/** A store whose commits fail while it is "down", as a database that went away. */
class FlakyStore extends MemoryStore {
  down = true;
  override async commit(batch: CommitBatch): Promise<void> {
    if (this.down) throw new Error('connection refused (the database is down)');
    await super.commit(batch);
  }
}

const counter = defineActor({
  name: 'counter',
  initial: () => ({ n: 0 }),
  decide: () => [{ type: 'Counted' as const }],
  evolve: (s: { n: number }) => ({ n: s.n + 1 }),
});

it('backs off a partition failing on its infrastructure, says so, and starts over once it commits', async () => {
  const log = new MemoryLog();
  await log.ensureTopic({ subject: 'in', partitions: 1 });
  const store = new FlakyStore();
  const restarts: { attempt: number; delayMs: number }[] = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (fields) => {
      const f = fields as { attempt?: number; delayMs?: number };
      if (f.attempt !== undefined && f.delayMs !== undefined)
        restarts.push({ attempt: f.attempt, delayMs: f.delayMs });
    },
  };
  const registry = new Registry();
  const stage = new Stage({
    name: 'flaky',
    log,
    store,
    input: 'in',
    actor: counter,
    schema: z.object({}),
    partitions: [0],
    commitIntervalMs: 1,
    restartDelayMs: 20,
    maxRestartDelayMs: 160,
    logger,
    metrics: registry,
  });
  await log.append('in', { key: 'k', payload: new TextEncoder().encode('{}'), msgId: 'm1' });
  await stage.start();
  expect(
    await waitUntil(async () => restarts.length >= 6, { timeoutMs: 10_000, intervalMs: 5 }),
  ).toBeUndefined();
  // 20, 40, 80, 160, then capped at 160, each within ±20%.
  const bases = [20, 40, 80, 160, 160, 160];
  expect(restarts.slice(0, 6).map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5, 6]);
  for (const [i, r] of restarts.slice(0, 6).entries()) {
    expect(r.delayMs).toBeGreaterThanOrEqual(Math.floor((bases[i] ?? 0) * 0.8));
    expect(r.delayMs).toBeLessThanOrEqual(Math.ceil((bases[i] ?? 0) * 1.2));
  }
  const metrics = await registry.metrics();
  expect(metrics).toMatch(/eddy_stage_partition_restarts_total\{stage="flaky",partition="0"\} ([6-9]|\d\d)/);
  expect(metrics).toMatch(
    /eddy_stage_partition_restart_delay_seconds\{stage="flaky",partition="0"\} 0\.1[2-9]/,
  );

  store.down = false;
  expect(
    await waitUntil(async () => stage.watermarks().get(0) === 1, { timeoutMs: 10_000, intervalMs: 5 }),
  ).toBeUndefined();
  expect(await registry.metrics()).toMatch(
    /eddy_stage_partition_restart_delay_seconds\{stage="flaky",partition="0"\} 0\n/,
  );
  // Down again: the backoff starts over from the base.
  const before = restarts.length;
  store.down = true;
  await log.append('in', { key: 'k', payload: new TextEncoder().encode('{}'), msgId: 'm2' });
  expect(
    await waitUntil(async () => restarts.length > before, { timeoutMs: 10_000, intervalMs: 5 }),
  ).toBeUndefined();
  expect(restarts[before]?.attempt).toBe(1);
  store.down = false;
  expect(
    await waitUntil(async () => stage.watermarks().get(0) === 2, { timeoutMs: 10_000, intervalMs: 5 }),
  ).toBeUndefined();
  await stage.stop();
  expect((await store.journal('counter', 'k')).length).toBe(2);
});
