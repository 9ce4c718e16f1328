import { Registry } from 'prom-client';
import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { partitionOf } from '../../core/log/partition-of.ts';
import { from } from '../../core/pipeline/flow.ts';
import { type Pipeline, pipeline } from '../../core/pipeline/pipeline.ts';
import { actor, keyBy, to } from '../../core/pipeline/steps.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { Json } from '../../core/store/store.ts';
import { tumbling } from '../../core/windows/window-assigner.ts';
import { windowed } from '../../core/windows/windowed.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const T0 = Date.parse('2026-12-01T10:00:00Z');
const Click = z.object({ page: z.string(), at: z.number() });

const perPage = (name: string) =>
  windowed({
    name,
    window: tumbling(10_000),
    aggregate: { create: () => 0, add: (n: number, _c: unknown) => n + 1, result: (n) => n },
  });

async function read(log: MemoryLog, subject: string): Promise<Json[]> {
  const out: Json[] = [];
  for (let p = 0; p < (await log.partitions(subject)); p++) {
    for await (const e of log.read(subject, p, 1)) out.push(JSON.parse(decoder.decode(e.payload)));
  }
  return out;
}

/** A user whose records land in `partition` of `partitions`. */
function userIn(partition: number, partitions: number, n = 0): string {
  let found = -1;
  for (let i = 0; ; i++) {
    if (partitionOf(`user-${i}`, partitions) === partition && ++found === n) return `user-${i}`;
  }
}

async function click(log: MemoryLog, subject: string, user: string, page: string, at: number): Promise<void> {
  await log.append(subject, {
    key: user,
    msgId: `${user}-${at}`,
    payload: encoder.encode(JSON.stringify({ page, at })),
  });
}

/** Every part read its input to its end (control records too). */
async function caughtUp(
  log: MemoryLog,
  running: Pick<Pipeline<unknown>, 'subjects' | 'watermarks'>,
): Promise<boolean> {
  for (const [part, subject] of running.subjects.inputs.entries()) {
    const marks = running.watermarks(part);
    for (let p = 0; p < (await log.partitions(subject)); p++) {
      let last = 0;
      for await (const e of log.read(subject, p, 1)) last = e.seq;
      if ((marks.get(p) ?? 0) < last) {
        return false;
      }
    }
  }
  return true;
}

describe('event time across keyBy hops and pipelines', () => {
  it('after a keyBy, waits for a silent input partition until it is announced idle', async () => {
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'clicks', partitions: 2 });
    const busy = userIn(0, 2);
    for (const at of [1_000, 4_000, 12_000]) await click(log, 'clicks', busy, 'home', T0 + at);
    const flow = (name: string) =>
      from('clicks', Click, { eventTime: (c) => c.at }).pipe(
        keyBy((c) => c.page),
        actor(perPage(name)),
        to(`${name}.counts`),
      );

    // Partition 1 never says how far it got: nothing after the keyBy may close.
    const waiting = pipeline(
      {
        name: 'waits',
        log,
        store: new MemoryStore(),
        commitIntervalMs: 1,
        watermarkIntervalMs: 1,
        idleTimeoutMs: false,
      },
      flow('waits'),
    );
    waiting.subscribe();
    await waiting.start();
    expect(await waitUntil(() => caughtUp(log, waiting), { timeoutMs: 5_000 })).toBeUndefined();
    await waiting.stop();
    expect(await read(log, 'waits.counts')).toEqual([]);

    // Once it is idle, the clock is the busy partition's alone.
    const idling = pipeline(
      {
        name: 'idles',
        log,
        store: new MemoryStore(),
        commitIntervalMs: 1,
        watermarkIntervalMs: 1,
        idleTimeoutMs: 100,
      },
      flow('idles'),
    );
    idling.subscribe();
    await idling.start();
    expect(
      await waitUntil(async () => (await read(log, 'idles.counts')).length === 1, { timeoutMs: 5_000 }),
    ).toBeUndefined();
    await idling.stop();
    expect(await read(log, 'idles.counts')).toEqual([
      { kind: 'final', key: 'home', start: T0, end: T0 + 10_000, count: 2, result: 2 },
    ]);
  });

  it('carries event time through a keyBy and a subject to another pipeline, the slowest partition leading', async () => {
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'raw', partitions: 2 });
    await log.ensureTopic({ subject: 'pages', partitions: 2 });
    const [fast, slow] = [userIn(0, 2), userIn(1, 2)];
    // The fast partition is far ahead; the slow one's records are behind it but in order in their own.
    for (const at of [1_000, 25_000, 40_000]) await click(log, 'raw', fast, 'home', T0 + at);
    for (const at of [2_000, 3_000]) await click(log, 'raw', slow, 'home', T0 + at);

    const metrics = new Registry();
    const upstream = pipeline(
      {
        name: 'clean',
        log,
        store,
        commitIntervalMs: 1,
        watermarkIntervalMs: 1,
        idleTimeoutMs: false,
        metrics,
      },
      from('raw', Click, { eventTime: (c) => c.at }).pipe(
        map((c) => ({ ...c, page: c.page.toUpperCase() })),
        keyBy((c) => c.page),
        to('pages', { watermarks: true }),
      ),
    );
    const downstream = pipeline(
      { name: 'count', log, store, commitIntervalMs: 1, idleTimeoutMs: false, metrics },
      from('pages', Click, { eventTime: (c) => c.at, watermarks: 'upstream' }).pipe(
        actor(perPage('count')),
        to('count.out'),
      ),
    );
    const letters: unknown[] = [];
    downstream.deadLetters$.subscribe((l) => letters.push(l));
    upstream.subscribe();
    downstream.subscribe();
    await upstream.start();
    await downstream.start();
    expect(await waitUntil(() => caughtUp(log, downstream), { timeoutMs: 5_000 })).toBeUndefined();
    // The slow partition is at 3 s: nothing closed, however far the fast one got.
    expect(await read(log, 'count.out')).toEqual([]);

    await click(log, 'raw', slow, 'home', T0 + 31_000);
    expect(
      await waitUntil(async () => (await read(log, 'count.out')).length === 2, { timeoutMs: 5_000 }),
    ).toBeUndefined();
    await upstream.stop();
    await downstream.stop();
    // Every record is in its window, though 2 s and 3 s may have come after 25 s and 40 s; the
    // clock is the slow partition's 31 s, so [30 s, 40 s) is still open.
    expect(await read(log, 'count.out')).toEqual([
      { kind: 'final', key: 'HOME', start: T0, end: T0 + 10_000, count: 3, result: 3 },
      { kind: 'final', key: 'HOME', start: T0 + 20_000, end: T0 + 30_000, count: 1, result: 1 },
    ]);
    // The control records never reached a step (they would fail the schema).
    expect(letters).toEqual([]);
    // The downstream clock is a gauge; the control records are not counted as outputs.
    const text = await metrics.metrics();
    const clock =
      text.match(/eddy_stage_event_time_watermark_seconds\{stage="count",partition="(\d)"\} (\S+)/g) ?? [];
    expect(clock.map((l) => Number(l.split(' ').at(-1)))).toContain((T0 + 31_000) / 1000);
    expect(text).toMatch(/eddy_stage_outputs_published_total\{stage="clean.1",subject="pages"\} 6\n/);
  });
});
