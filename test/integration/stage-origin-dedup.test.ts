import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { withDefects } from '../../core/defects.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import { FaultyStore } from '../../core/testing/faulty-store.ts';
import { waitUntil } from '../services/wait-until.ts';

// Two chained stages. The upstream one dies after publishing its outputs and before deleting them
// from its outbox, and comes back after the log's duplicate window: it republishes them, the log
// stores them again under new seqs, and the downstream stage must still apply each once.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const doubler = defineActor({
  name: 'doubler',
  initial: () => ({ n: 0 }),
  decide: (_s: { n: number }, input: { v: number }, ctx) => {
    ctx.emit({ v: input.v * 2 });
    return [{ type: 'Seen' as const }];
  },
  evolve: (s, _e: { type: 'Seen' }) => ({ n: s.n + 1 }),
});

const summer = defineActor({
  name: 'summer',
  initial: () => ({ sum: 0, count: 0 }),
  decide: (_s: { sum: number; count: number }, input: { v: number }) => [
    { type: 'Added' as const, v: input.v },
  ],
  evolve: (s, e: { type: 'Added'; v: number }) => ({ sum: s.sum + e.v, count: s.count + 1 }),
});

async function until(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
  const failure = await waitUntil(async () => probe(), { timeoutMs: 10_000, intervalMs: 5 });
  if (failure !== undefined) throw new Error(`waiting for ${what}: ${failure}`);
}

async function run(restartDownstream = false) {
  let now = 1_000_000;
  const log = new MemoryLog({ now: () => now });
  await log.ensureTopic({ subject: 'a.in', partitions: 1 });
  const upstreamStore = new FaultyStore(
    new MemoryStore(),
    [{ kind: 'crash-after-publish', delete: 1 }],
    () => {},
  );
  const downstreamStore = new MemoryStore();
  const upstream = new Stage({
    name: 'up',
    log,
    store: upstreamStore,
    input: 'a.in',
    output: 'b.in',
    actor: doubler,
    schema: z.object({ v: z.number() }),
    partitions: [0],
    commitEvery: 1_000,
    commitIntervalMs: 20,
    restartDelayMs: 100,
  });
  const downstreamStage = () =>
    new Stage({
      name: 'down',
      log,
      store: downstreamStore,
      input: 'b.in',
      actor: summer,
      schema: z.object({ v: z.number() }),
      partitions: [0],
      commitIntervalMs: 1,
    });
  const inputs = Array.from({ length: 12 }, (_, i) => ({ key: `k${i % 3}`, v: i + 1 }));
  for (const [i, input] of inputs.entries()) {
    await log.append('a.in', {
      key: input.key,
      payload: encoder.encode(JSON.stringify({ v: input.v })),
      msgId: `a${i}`,
    });
  }
  const count = async (): Promise<number> => {
    let n = 0;
    for await (const _ of log.read('b.in', 0, 1)) n++;
    return n;
  };
  await upstream.start();
  await until('the upstream crash after publishing', () => upstreamStore.crashes === 1);
  if (restartDownstream) {
    // The downstream applies the originals and commits them before the copies arrive.
    const early = downstreamStage();
    await early.start();
    const originals = await count();
    await until('the originals applied', () => early.watermarks().get(0) === originals);
    await early.stop();
  }
  now += 10 * 60_000; // past the duplicate window: the log no longer knows the published msg ids
  await until('the republished outbox', async () => (await upstreamStore.outbox('up', 0)).length === 0);
  const downstream = downstreamStage();
  await downstream.start();
  let published = 0;
  await until('everything downstream', async () => {
    published = 0;
    for await (const _ of log.read('b.in', 0, 1)) published++;
    return downstream.watermarks().get(0) === published;
  });
  await upstream.stop();
  await downstream.stop();
  const states = new Map<string, { sum: number; count: number }>();
  for (const key of ['k0', 'k1', 'k2']) {
    const events = await downstreamStore.journal('summer', key);
    states.set(
      key,
      events.reduce((s, e) => summer.evolve(s, e.data as { type: 'Added'; v: number }), { sum: 0, count: 0 }),
    );
  }
  const expected = new Map<string, { sum: number; count: number }>();
  for (const input of inputs) {
    const s = expected.get(input.key) ?? { sum: 0, count: 0 };
    expected.set(input.key, { sum: s.sum + input.v * 2, count: s.count + 1 });
  }
  const ids: string[] = [];
  for await (const env of log.read('b.in', 0, 1))
    ids.push(`${env.id} ${env.origin?.seq} ${decoder.decode(env.payload)}`);
  return { states, expected, published, inputs: inputs.length, ids };
}

describe('downstream deduplication by origin', () => {
  it('applies an upstream output once even when it is republished after the duplicate window', async () => {
    const r = await run();
    // The scenario happened: the log holds the republished copies under new seqs.
    expect(r.published).toBeGreaterThan(r.inputs);
    expect(new Set(r.ids).size).toBeLessThan(r.ids.length);
    expect(r.states).toEqual(r.expected);
  });

  it('also after the downstream stage restarted between the original and the copy', async () => {
    const r = await run(true);
    expect(r.published).toBeGreaterThan(r.inputs);
    expect(r.states).toEqual(r.expected);
  });

  it('has teeth: without deduplication the republished copies are applied twice', async () => {
    const r = await withDefects(['no-dedup'], () => run());
    expect(r.published).toBeGreaterThan(r.inputs);
    expect(r.states).not.toEqual(r.expected);
  });
});

/**
 * Two chained stages; the upstream one stops gracefully and a new instance
 * takes over and emits new outputs. Their origin numbering must continue where
 * the old instance left it (it is committed with every batch): started from 1
 * again, the downstream stage would drop them as applied already.
 */
async function chainedAcrossRestart() {
  const log = new MemoryLog();
  await log.ensureTopic({ subject: 'c.in', partitions: 1 });
  const upstreamStore = new MemoryStore();
  const downstreamStore = new MemoryStore();
  const upstream = () =>
    new Stage({
      name: 'up2',
      log,
      store: upstreamStore,
      input: 'c.in',
      output: 'd.in',
      actor: doubler,
      schema: z.object({ v: z.number() }),
      partitions: [0],
      commitIntervalMs: 1,
    });
  const downstream = new Stage({
    name: 'down2',
    log,
    store: downstreamStore,
    input: 'd.in',
    actor: summer,
    schema: z.object({ v: z.number() }),
    partitions: [0],
    commitIntervalMs: 1,
  });
  const send = async (from: number, to: number) => {
    for (let v = from; v <= to; v++) {
      await log.append('c.in', { key: 'k', payload: encoder.encode(JSON.stringify({ v })), msgId: `c${v}` });
    }
  };
  const published = async (): Promise<number> => {
    let n = 0;
    for await (const _ of log.read('d.in', 0, 1)) n++;
    return n;
  };
  const first = upstream();
  await first.start();
  await downstream.start();
  await send(1, 6);
  await until(
    'the first outputs applied',
    async () => downstream.watermarks().get(0) === 6 && (await published()) === 6,
  );
  await first.stop();
  const second = upstream();
  await second.start();
  await send(7, 12);
  await until('the new outputs published', async () => (await published()) === 12);
  await until('the new outputs consumed', async () => downstream.watermarks().get(0) === 12);
  await second.stop();
  await downstream.stop();
  const events = await downstreamStore.journal('summer', 'k');
  const origins: (number | undefined)[] = [];
  for await (const env of log.read('d.in', 0, 1)) origins.push(env.origin?.seq);
  return {
    sum: events.reduce((s, e) => s + (e.data as { v: number }).v, 0),
    applied: events.length,
    origins,
  };
}

describe('origin numbering across a graceful restart of the upstream stage', () => {
  it('goes on where the old instance stopped, so the downstream stage applies the new outputs', async () => {
    const r = await chainedAcrossRestart();
    expect(r.origins).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(r.applied).toBe(12);
    expect(r.sum).toBe(2 * ((12 * 13) / 2));
  });

  it('has teeth: numbering not committed restarts at 1, and the downstream stage drops the new outputs', async () => {
    const r = await withDefects(['forget-origin-sequences'], () => chainedAcrossRestart());
    expect(r.origins.slice(6)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.applied).toBe(6);
  });
});
