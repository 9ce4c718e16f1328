import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();

const counter = defineActor({
  name: 'metered',
  initial: () => ({ n: 0 }),
  decide: (s: { n: number }, input: { add: number }, ctx) => {
    ctx.emit({ n: s.n + input.add });
    return [{ type: 'Added' as const, add: input.add }];
  },
  evolve: (s, e: { type: 'Added'; add: number }) => ({ n: s.n + e.add }),
  snapshot: { every: 2, keep: 1 },
});

/** The value of one sample in Prometheus text format, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('exports Prometheus metrics for inputs, watermarks, commits, outputs and partitions', async () => {
  const log = new MemoryLog();
  await log.ensureTopic({ subject: 'adds', partitions: 2 });
  const registry = new Registry();
  const stage = new Stage({
    name: 'm',
    log,
    store: new MemoryStore(),
    input: 'adds',
    output: 'sums',
    actor: counter,
    schema: z.object({ add: z.number() }),
    metrics: registry,
    commitIntervalMs: 1,
  });
  await stage.start();
  for (let i = 0; i < 9; i++) {
    await log.append('adds', {
      key: `k${i % 3}`,
      payload: encoder.encode(JSON.stringify({ add: i })),
      msgId: `a${i}`,
    });
  }
  await log.append('adds', { key: 'k0', payload: encoder.encode('not json'), msgId: 'bad', partition: 0 });
  const failure = await waitUntil(
    async () => {
      const text = await registry.metrics();
      const inputs =
        (sample(text, 'eddy_stage_inputs_total', 'stage="m",partition="0"') ?? 0) +
        (sample(text, 'eddy_stage_inputs_total', 'stage="m",partition="1"') ?? 0);
      return (
        inputs === 10 &&
        (sample(text, 'eddy_stage_outputs_published_total', 'stage="m",subject="sums"') ?? 0) === 9
      );
    },
    { timeoutMs: 5_000, intervalMs: 10 },
  );
  expect(failure).toBeUndefined();
  const text = await registry.metrics();
  expect(sample(text, 'eddy_stage_outputs_published_total', 'stage="m",subject="m.dead-letter"')).toBe(1);
  expect(sample(text, 'eddy_stage_partitions', 'stage="m"')).toBe(2);
  expect(sample(text, 'eddy_stage_journal_events_total', 'stage="m"')).toBe(9);
  expect(sample(text, 'eddy_stage_snapshots_total', 'stage="m"')).toBeGreaterThan(0);
  expect(sample(text, 'eddy_stage_commits_total', 'stage="m",partition="0",outcome="ok"')).toBeGreaterThan(0);
  expect(sample(text, 'eddy_stage_commit_seconds_count', 'stage="m"')).toBeGreaterThan(0);
  const watermarks = [...stage.watermarks()].map(([p, w]) => [
    p,
    sample(text, 'eddy_stage_watermark', `stage="m",partition="${p}"`),
    w,
  ]);
  for (const [, exported, actual] of watermarks) expect(exported).toBe(actual);
  await stage.stop();
  expect(sample(await registry.metrics(), 'eddy_stage_partitions', 'stage="m"')).toBe(0);
});

it('counts the keys in memory and the keys passivated to stay under maxActiveKeys', async () => {
  const log = new MemoryLog();
  await log.ensureTopic({ subject: 'many-keys', partitions: 1 });
  const registry = new Registry();
  const stage = new Stage({
    name: 'keys',
    log,
    store: new MemoryStore(),
    input: 'many-keys',
    output: 'many-sums',
    actor: counter,
    schema: z.object({ add: z.number() }),
    metrics: registry,
    maxActiveKeys: 3,
    commitIntervalMs: 1,
  });
  await stage.start();
  for (let i = 0; i < 20; i++)
    await log.append('many-keys', {
      key: `k${i}`,
      payload: encoder.encode(JSON.stringify({ add: 1 })),
      msgId: `m${i}`,
    });
  const failure = await waitUntil(
    async () =>
      (sample(await registry.metrics(), 'eddy_stage_inputs_total', 'stage="keys",partition="0"') ?? 0) === 20,
    { timeoutMs: 10_000 },
  );
  expect(failure).toBeUndefined();
  const text = await registry.metrics();
  const active = sample(text, 'eddy_stage_active_keys', 'stage="keys",partition="0"') ?? -1;
  const passivated = sample(text, 'eddy_stage_passivations_total', 'stage="keys"') ?? 0;
  expect(active).toBeGreaterThan(0);
  expect(active).toBeLessThanOrEqual(20);
  // Twenty keys through a cap of three: most were let go of, and each one let go is either counted or still in memory.
  expect(passivated).toBeGreaterThanOrEqual(20 - active);
  expect(passivated).toBeGreaterThan(0);
  await stage.stop();
});
