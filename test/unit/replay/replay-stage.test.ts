import { firstValueFrom } from 'rxjs';
import { filter, map, take, toArray } from 'rxjs/operators';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../../core/actor/actor-definition.ts';
import { UnknownStageError } from '../../../core/errors/unknown-stage-error.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { from } from '../../../core/pipeline/flow.ts';
import { pipeline } from '../../../core/pipeline/pipeline.ts';
import { actor, keyBy, to } from '../../../core/pipeline/steps.ts';
import { replayStage } from '../../../core/replay/replay-stage.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import { tumbling } from '../../../core/windows/window-assigner.ts';
import { windowed } from '../../../core/windows/windowed.ts';
import { waitUntil } from '../../services/wait-until.ts';

const Order = z.object({ amount: z.number(), region: z.string() });
type Order = z.infer<typeof Order>;
let rateCalls = 0;

/**
 * The code under test, in versions: `v1` is what ran. `outputs` emits other
 * payloads but decides the same events; `strict` refuses amounts over 50;
 * `fee` books a fee on top.
 */
type Version = 'v1' | 'outputs' | 'strict' | 'fee';

function ledger(version: Version) {
  return defineActor({
    name: 'rs-ledger',
    initial: () => ({ total: 0 }),
    decide: async (s: { total: number }, order: Order & { cents: number }, ctx) => {
      if (order.amount < 0) throw new Error(`negative amount ${order.amount}`);
      if (version === 'strict' && order.amount > 50) throw new Error('over the limit');
      const rate = await ctx.run('rate', async () => {
        rateCalls++;
        return 2;
      });
      const booked = version === 'fee' ? order.cents * rate + 1 : order.cents * rate;
      const total = s.total + booked;
      ctx.emit({ region: order.region, total: version === 'outputs' ? total / 100 : total });
      return [{ type: 'Booked' as const, cents: booked }];
    },
    evolve: (s: { total: number }, e: { type: 'Booked'; cents: number }) => ({ total: s.total + e.cents }),
  });
}

const regions = defineActor({
  name: 'rs-regions',
  initial: () => ({ updates: 0 }),
  decide: (s: { updates: number }, row: { region: string; total: number }, ctx) => {
    ctx.emit({ region: row.region, updates: s.updates + 1 });
    return [{ type: 'Updated' as const }];
  },
  evolve: (s: { updates: number }) => ({ updates: s.updates + 1 }),
});

/** A ledger behind per-record steps, its totals to a sink, then re-keyed by region into a second stage. */
function build(log: MemoryLog, store: MemoryStore, version: Version) {
  return pipeline(
    { name: 'rs', log, store },
    from('rs.in', Order).pipe(
      filter((o) => o.amount !== 0),
      map((o) => ({ ...o, cents: o.amount * 100 })),
      actor(ledger(version)),
      to('rs.totals'),
      keyBy((t) => (t as { region: string }).region),
      actor(regions),
      to('rs.regions'),
    ),
  );
}

async function recordedRun() {
  const log = new MemoryLog();
  const store = new MemoryStore();
  await log.ensureTopic({ subject: 'rs.in', partitions: 3 });
  const running = build(log, store, 'v1');
  const orders: [string, Order][] = [
    ['a', { amount: 10, region: 'north' }],
    ['b', { amount: 60, region: 'south' }],
    ['a', { amount: 0, region: 'north' }], // filtered: no event, no output
    ['c', { amount: -5, region: 'north' }], // dead-lettered by v1 as well
    ['a', { amount: 70, region: 'south' }],
    ['b', { amount: 5, region: 'north' }],
    ['c', { amount: 3, region: 'south' }],
  ];
  const published = orders.filter(([, o]) => o.amount > 0).length;
  const done = firstValueFrom(running.pipe(take(published), toArray()));
  const dead = firstValueFrom(running.deadLetters$.pipe(take(1), toArray()));
  await running.start();
  let n = 0;
  for (const [key, order] of orders)
    await log.append('rs.in', {
      key,
      msgId: `o${n++}`,
      payload: new TextEncoder().encode(JSON.stringify(order)),
    });
  await Promise.all([done, dead]);
  await running.stop();
  return { log, store };
}

describe('replayStage: a stage of a pipeline against its recorded run', () => {
  it('finds the same events, outputs, dead letters and states for the same code, in both stages', async () => {
    const { log, store } = await recordedRun();
    const calls = rateCalls;
    const again = build(log, store, 'v1');
    expect(again.stages).toEqual(['rs', 'rs.1']);
    const first = await replayStage(again);
    expect(first).toMatchObject({ stage: 'rs', actors: ['rs-ledger'], outputsCompared: true });
    expect(first.keys).toEqual([
      { key: 'a', status: 'same', inputs: 3 },
      { key: 'b', status: 'same', inputs: 2 },
      { key: 'c', status: 'same', inputs: 2 },
    ]);
    expect(first.notes).toEqual([
      'per-record steps ran again: lookups and asyncMap calls read what their sources hold today',
    ]);
    const second = await replayStage(again, { stage: 'rs.1' });
    expect(second).toMatchObject({ stage: 'rs.1', same: 2, changed: 0, diverged: 0 });
    expect(second.keys.map((k) => k.key)).toEqual(['north', 'south']);
    // Every rate came from the record: nothing ran again.
    expect(rateCalls).toBe(calls);
  });

  it('reports outputs that differ where the events are the same: to the sink and to the keyBy hop', async () => {
    const { log, store } = await recordedRun();
    const report = await replayStage(build(log, store, 'outputs'), { keys: ['b'] });
    expect(report).toMatchObject({ same: 0, changed: 1 });
    const b = report.keys[0];
    expect(b?.status).toBe('changed');
    if (b?.status !== 'changed') return;
    expect(b.differences).toEqual([
      {
        kind: 'outputs',
        inputSeq: expect.any(Number),
        recorded: [
          { subject: 'rs.totals', key: 'b', payload: { region: 'south', total: 12_000 } },
          { subject: 'rs.keyby-1', key: 'south', payload: { region: 'south', total: 12_000 } },
        ],
        replayed: [
          { subject: 'rs.totals', key: 'b', payload: { region: 'south', total: 120 } },
          { subject: 'rs.keyby-1', key: 'south', payload: { region: 'south', total: 120 } },
        ],
      },
      {
        kind: 'outputs',
        inputSeq: expect.any(Number),
        recorded: [
          { subject: 'rs.totals', key: 'b', payload: { region: 'north', total: 13_000 } },
          { subject: 'rs.keyby-1', key: 'north', payload: { region: 'north', total: 13_000 } },
        ],
        replayed: [
          { subject: 'rs.totals', key: 'b', payload: { region: 'north', total: 130 } },
          { subject: 'rs.keyby-1', key: 'north', payload: { region: 'north', total: 130 } },
        ],
      },
    ]);
  });

  it('reports an input the new code would dead-letter, with its reason, and keeps the state before it', async () => {
    const { log, store } = await recordedRun();
    const report = await replayStage(build(log, store, 'strict'));
    expect(report).toMatchObject({ same: 1, changed: 2, diverged: 0 });
    const a = report.keys.find((k) => k.key === 'a');
    if (a?.status !== 'changed') throw new Error(`a is ${a?.status}`);
    expect(a.differences).toEqual([
      { kind: 'dead-letter', inputSeq: expect.any(Number), recorded: null, replayed: 'over the limit' },
      { kind: 'state', actor: 'rs-ledger', recorded: { total: 16_000 }, replayed: { total: 2_000 } },
    ]);
  });

  it('replays from a sequence on top of the recorded state, and names a stage it does not have', async () => {
    const { log, store } = await recordedRun();
    const running = build(log, store, 'fee');
    const all = await replayStage(running, { keys: ['a'] });
    const a = all.keys[0];
    if (a?.status !== 'changed') throw new Error(`a is ${a?.status}`);
    const seqs = a.differences.flatMap((d) => (d.kind === 'events' ? [d.inputSeq] : []));
    expect(seqs).toHaveLength(2);
    // From the second booking on: the first one's recorded event makes the state it starts from.
    const later = await replayStage(running, { keys: ['a'], fromSeq: seqs[1] as number });
    const tail = later.keys[0];
    if (tail?.status !== 'changed') throw new Error(`a is ${tail?.status}`);
    expect(tail.inputs).toBe(1);
    expect(tail.differences.find((d) => d.kind === 'state')).toEqual({
      kind: 'state',
      actor: 'rs-ledger',
      recorded: { total: 16_000 },
      replayed: { total: 16_001 },
    });
    await expect(replayStage(running, { stage: 'rs.7' })).rejects.toThrow(UnknownStageError);
  });

  it('judges lateness by the event clock the run had, and applies the recorded window firings in their place', async () => {
    const counts = (allowedLatenessMs: number) =>
      windowed({
        name: 'rs-counts',
        window: tumbling(10_000),
        aggregate: { create: () => 0, add: (n: number, _c: { text: string }) => n + 1, result: (n) => n },
        allowedLatenessMs,
      });
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'rs.comments', partitions: 1 });
    // s2's record is behind the clock but within the lateness; s1's 9 000 too late once the clock is at 16 000.
    const arrivals: [string, number][] = [
      ['s1', 1_000],
      ['s1', 12_000],
      ['s2', 2_000],
      ['s1', 8_000],
      ['s1', 16_000],
      ['s1', 9_000],
      ['s1', 30_000],
    ];
    for (const [i, [key, eventTime]] of arrivals.entries())
      await log.append('rs.comments', {
        key,
        eventTime,
        msgId: `c${i}`,
        payload: new TextEncoder().encode('{"text":"hi"}'),
      });
    const build = (lateness: number) =>
      pipeline(
        { name: 'rs-windows', log, store, commitIntervalMs: 1 },
        from('rs.comments', z.object({ text: z.string() })).pipe(actor(counts(lateness)), to('rs.counts')),
      );
    const running = build(5_000);
    running.subscribe();
    await running.start();
    expect(
      await waitUntil(async () => running.watermarks().get(0) === arrivals.length, { timeoutMs: 5_000 }),
    ).toBeUndefined();
    await running.stop();

    const same = await replayStage(build(5_000));
    expect(same).toMatchObject({ same: 2, changed: 0, diverged: 0 });
    expect(same.notes).toContain(
      'timer firings are not run again: their recorded events are applied in their place',
    );
    // Without the lateness, s2's record and s1's 8 000 are late: other events, other outputs.
    const stricter = await replayStage(build(0));
    expect(stricter).toMatchObject({ same: 0, changed: 2, diverged: 0 });
    const s2 = stricter.keys.find((k) => k.key === 's2');
    if (s2?.status !== 'changed') throw new Error(`s2 is ${s2?.status}`);
    // Its record goes to the late subject instead of into its window, which the run closed at once.
    expect(s2.differences.map((d) => d.kind)).toEqual(['events', 'outputs']);
    expect(s2.differences[1]).toMatchObject({
      recorded: [{ subject: 'rs.counts', key: 's2', payload: { kind: 'final', count: 1 } }],
      replayed: [{ subject: 'rs-counts.late', key: 's2', payload: { kind: 'late', eventTime: 2_000 } }],
    });
  });
});
