import type { Store } from 'eddy';
import { actor, from, partitionOf, pipeline, tumbling, type WindowState, windowed } from 'eddy';
import { z } from 'zod';
import { benchInput, committedAll } from './bench-input.ts';
import { countingActor } from './counting-actor.ts';

const encoder = new TextEncoder();
export const MINUTE = 60_000;

/** The bench's events: `keys` keys, event times rising over `minutes` minutes, up to `jitterMs` out of order. */
export function windowEvents(events: number, keys: number, minutes: number, jitterMs: number) {
  const t0 = Date.UTC(2026, 0, 1);
  const step = (minutes * MINUTE) / events;
  // A fixed pseudo-random jitter, so every case sees the same events.
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: events }, (_, i) => ({
    key: `k${i % keys}`,
    eventTime: Math.round(t0 + i * step - random() * jitterMs),
    v: i % 7,
  }));
}

export type WindowEvent = ReturnType<typeof windowEvents>[number];

/**
 * The hand-written reducer: the same per-minute sums per key, closed on the same
 * watermark (highest event time less the lateness), in a plain loop without
 * durability — the ceiling of what a window can cost.
 */
export function handWrittenWindows(events: readonly WindowEvent[], latenessMs: number) {
  const started = performance.now();
  const open = new Map<string, Map<number, { sum: number; count: number }>>();
  let watermark = Number.NEGATIVE_INFINITY;
  let closed = 0;
  let late = 0;
  let nextClose = Number.POSITIVE_INFINITY;
  for (const e of events) {
    watermark = Math.max(watermark, e.eventTime - latenessMs);
    if (watermark >= nextClose) {
      nextClose = Number.POSITIVE_INFINITY;
      for (const windows of open.values()) {
        for (const start of windows.keys()) {
          if (start + MINUTE - 1 <= watermark) {
            windows.delete(start);
            closed++;
          } else nextClose = Math.min(nextClose, start + MINUTE - 1);
        }
      }
    }
    const start = e.eventTime - (e.eventTime % MINUTE);
    if (start + MINUTE - 1 <= watermark) {
      late++;
      continue;
    }
    let windows = open.get(e.key);
    if (!windows) {
      windows = new Map();
      open.set(e.key, windows);
    }
    const w = windows.get(start) ?? { sum: 0, count: 0 };
    w.sum += e.v;
    w.count++;
    windows.set(start, w);
    nextClose = Math.min(nextClose, start + MINUTE - 1);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    events: events.length,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(events.length / seconds),
    closed,
    late,
  };
}

/** The bench's events in a memory log, as both eddy cases read them. */
function windowInput(name: string, events: readonly WindowEvent[]) {
  return benchInput(name, events.length, (i) => {
    const e = events[i] as WindowEvent;
    return { key: e.key, payload: encoder.encode(`{"v":${e.v}}`), eventTime: e.eventTime };
  });
}

/**
 * The floor under any keyed operator in eddy: the same source, schema and keys into an actor that
 * journals one event per record and keeps a count (snapshots as often as the window's), no window.
 * What the window itself costs is the difference.
 */
export async function eddyFloor(store: Store, events: readonly WindowEvent[], name: string) {
  const { log, input, last } = await windowInput(name, events);
  const running = pipeline(
    { name, log, store, maxInFlight: 4000 },
    from(input, z.object({ v: z.number() })).pipe(actor(countingActor(name))),
  );
  const started = performance.now();
  await running.start();
  await committedAll(running, last);
  const seconds = (performance.now() - started) / 1000;
  await running.stop();
  await log.close();
  return {
    events: events.length,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(events.length / seconds),
  };
}

/** The same windows as an eddy pipeline: memory log in, `windowed` on the store given, until the inputs are committed. */
export async function eddyWindows(
  store: Store,
  events: readonly WindowEvent[],
  latenessMs: number,
  name: string,
) {
  const { log, input, last } = await windowInput(name, events);
  const perMinute = windowed({
    name: `${name}.sums`,
    window: tumbling(MINUTE),
    aggregate: { create: () => 0, add: (sum: number, r: { v: number }) => sum + r.v, result: (sum) => sum },
    snapshot: { every: 100, keep: 1 },
  });
  let results = 0;
  const running = pipeline(
    { name, log, store, maxInFlight: 4000, allowedLatenessMs: latenessMs },
    from(input, z.object({ v: z.number() })).pipe(actor(perMinute)),
  );
  running.subscribe(() => results++);
  let peakHeap = 0;
  const sampler = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 100);
  const started = performance.now();
  await running.start();
  await committedAll(running, last);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  await running.stop();
  await log.close();
  // Window state is bounded by the windows that can still change: count what the keys keep.
  const keys = [...new Set(events.map((e) => e.key))];
  let open = 0;
  let mostPerKey = 0;
  for (const key of keys) {
    const record = await store.load(perMinute.name, key, name, partitionOf(key, 4));
    let state = (record.snapshot?.state as WindowState | undefined) ?? perMinute.initial(key);
    for (const e of record.events)
      if (!e.type.startsWith('$')) state = perMinute.evolve(state, e.data as never);
    const n = Object.keys(state.open).length;
    open += n;
    mostPerKey = Math.max(mostPerKey, n);
  }
  return {
    events: events.length,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(events.length / seconds),
    windowResults: results,
    openWindowsAtEnd: open,
    mostOpenWindowsPerKey: mostPerKey,
    peakHeapMiB: Math.round(peakHeap / 2 ** 20),
  };
}
