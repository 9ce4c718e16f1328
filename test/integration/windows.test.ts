import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { actor, keyBy, to } from '../../core/pipeline/steps.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { Json } from '../../core/store/store.ts';
import { tumbling } from '../../core/windows/window-assigner.ts';
import type { WindowEvent, WindowState } from '../../core/windows/window-types.ts';
import { windowed } from '../../core/windows/windowed.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const Comment = z.object({ text: z.string() });
const counts = windowed({
  name: 'comment-counts',
  window: tumbling(10_000),
  aggregate: { create: () => 0, add: (n: number, _c: { text: string }) => n + 1, result: (n) => n },
  allowedLatenessMs: 5_000,
});

async function read(log: MemoryLog, subject: string): Promise<Json[]> {
  const out: Json[] = [];
  for await (const e of log.read(subject, 0, 1)) out.push(JSON.parse(decoder.decode(e.payload)));
  return out;
}

describe('windowed(): keyed event-time windows in a pipeline', () => {
  it('closes windows on the watermark, updates within the lateness, sends later records to the late subject, and drops closed windows', async () => {
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'comments', partitions: 1 });
    const arrivals: [string, number][] = [
      ['s1', 1_000],
      ['s1', 4_000],
      ['s1', 12_000], // the watermark passes [0, 10 000): its final result, 2 records
      ['s2', 2_000], // behind the watermark but within the lateness: its window's first result at once
      ['s1', 8_000], // within the lateness: an update of [0, 10 000), 3 records
      ['s1', 16_000], // the watermark passes 14 999: [0, 10 000) is dropped
      ['s1', 9_000], // too late: the late subject
      ['s1', 30_000], // closes [10 000, 20 000) with 2 records
    ];
    for (const [i, [key, eventTime]] of arrivals.entries()) {
      await log.append('comments', {
        key,
        eventTime,
        msgId: `c${i}`,
        payload: encoder.encode('{"text":"hi"}'),
      });
    }
    const running = pipeline(
      { name: 'windows', log, store, commitIntervalMs: 1 },
      from('comments', Comment).pipe(actor(counts), to('counts')),
    );
    running.subscribe();
    await running.start();
    expect(
      await waitUntil(async () => running.watermarks().get(0) === arrivals.length, { timeoutMs: 5_000 }),
    ).toBeUndefined();
    await running.stop();
    const results = await read(log, 'counts');
    // Keys run side by side: each key's results in order.
    const ofKey = (key: string) => results.filter((r) => (r as { key: string }).key === key);
    expect(ofKey('s1')).toEqual([
      { kind: 'final', key: 's1', start: 0, end: 10_000, count: 2, result: 2 },
      { kind: 'update', key: 's1', start: 0, end: 10_000, count: 3, result: 3 },
      { kind: 'final', key: 's1', start: 10_000, end: 20_000, count: 2, result: 2 },
    ]);
    expect(ofKey('s2')).toEqual([{ kind: 'final', key: 's2', start: 0, end: 10_000, count: 1, result: 1 }]);
    expect(await read(log, 'comment-counts.late')).toEqual([
      {
        kind: 'late',
        key: 's1',
        start: 0,
        end: 10_000,
        eventTime: 9_000,
        watermark: 16_000,
        record: { text: 'hi' },
      },
    ]);
    // Only the window that can still change is kept: [30 000, 40 000), one record.
    const journal = (await store.journal('comment-counts', 's1')).map((e) => e.data);
    const state = journal.reduce<WindowState>(
      (s, e) => counts.evolve(s, e as WindowEvent),
      counts.initial('s1'),
    );
    expect(state).toEqual({ open: { '30000': { end: 40_000, count: 1, accumulator: 1, fired: false } } });
    expect(journal.filter((e) => (e as { type: string }).type === 'Purged')).toEqual([
      { type: 'Purged', start: 0 },
      { type: 'Purged', start: 10_000 },
    ]);
  });

  it('reads event time from the record when the source says so, and keeps it across a keyBy hop', async () => {
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'clicks', partitions: 1 });
    const Click = z.object({ page: z.string(), at: z.string() });
    const perPage = windowed({
      name: 'clicks-per-page',
      window: tumbling(10_000),
      aggregate: { create: () => 0, add: (n: number, _c: { page: string }) => n + 1, result: (n) => n },
    });
    // Appended now (the log's time), but each says when it happened.
    const clicks: [string, string][] = [
      ['home', '2026-12-01T10:00:01Z'],
      ['home', '2026-12-01T10:00:05Z'],
      ['cart', '2026-12-01T10:00:07Z'],
      ['home', 'not a time'], // runs at the partition's event time as it is: joins 10:00:00-10:00:10
      ['cart', '2026-12-01T10:00:12Z'], // closes [10:00:00, 10:00:10)
    ];
    for (const [i, [page, at]] of clicks.entries()) {
      // One user: the part before the hop runs them in order, so they reach the hop in order.
      await log.append('clicks', {
        key: 'u',
        msgId: `c${i}`,
        payload: encoder.encode(JSON.stringify({ page, at })),
      });
    }
    const running = pipeline(
      { name: 'pages', log, store, commitIntervalMs: 1 },
      from('clicks', Click, { eventTime: (c) => Date.parse(c.at) }).pipe(
        keyBy((c) => c.page),
        actor(perPage),
        to('page-counts'),
      ),
    );
    running.subscribe();
    await running.start();
    expect(
      await waitUntil(async () => (await read(log, 'page-counts')).length === 2, { timeoutMs: 5_000 }),
    ).toBeUndefined();
    await running.stop();
    const start = Date.parse('2026-12-01T10:00:00Z');
    expect(await read(log, 'page-counts')).toEqual(
      expect.arrayContaining([
        { kind: 'final', key: 'home', start, end: start + 10_000, count: 3, result: 3 },
        { kind: 'final', key: 'cart', start, end: start + 10_000, count: 1, result: 1 },
      ]),
    );
  });
});
