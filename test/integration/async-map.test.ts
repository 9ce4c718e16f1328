import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { asyncMap } from '../../core/operators/async-map.ts';
import type { Committed } from '../../core/pipeline/committed.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { actor, to } from '../../core/pipeline/steps.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import { crash } from '../../core/testing/crash.ts';
import { waitUntil } from '../services/wait-until.ts';

// A real HTTP service behind asyncMap: slow, sometimes failing once, once never answering.
const HANGS = 13;
const flaky = (n: number): boolean => n % 7 === 3;
let server: Server;
let base: string;
const calls: number[] = [];
let inFlight = 0;
let most = 0;
beforeAll(async () => {
  const failedOnce = new Set<number>();
  server = createServer((req, res) => {
    const n = Number(req.url?.split('/').at(-1));
    calls.push(n);
    inFlight++;
    most = Math.max(most, inFlight);
    const done = (status: number, body: unknown): void => {
      inFlight--;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (n === HANGS) {
      req.once('close', () => inFlight--);
      return; // never answers: the caller's timeout aborts the request
    }
    setTimeout(() => {
      if (flaky(n) && !failedOnce.has(n)) {
        failedOnce.add(n);
        done(503, { error: 'busy' });
      } else done(200, { score: n * 2 });
    }, 15);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const Item = z.object({ n: z.number().int() });
const summer = defineActor({
  name: 'summer',
  initial: () => ({ sum: 0 }),
  decide: (s: { sum: number }, r: { n: number; score: number }, ctx) => {
    ctx.emit({ sum: s.sum + r.score });
    return [{ type: 'Scored' as const, n: r.n, score: r.score }];
  },
  evolve: (s, e: { type: 'Scored'; n: number; score: number }) => ({ sum: s.sum + e.score }),
});

async function score(item: { n: number }, { signal }: { signal: AbortSignal }) {
  const res = await fetch(`${base}/score/${item.n}`, { signal });
  if (!res.ok) throw new Error(`score service answered ${res.status}`);
  const { score } = (await res.json()) as { score: number };
  return { n: item.n, score };
}

const flow = from('items', Item).pipe(
  asyncMap(score, { name: 'score', capacity: 3, timeoutMs: 300, retries: 2, retryDelayMs: 10 }),
  actor(summer),
  to('sums'),
);

describe('asyncMap in a pipeline, against a real HTTP service', () => {
  it('bounds the calls in flight, retries, dead-letters a call that never answers, and redoes only uncommitted calls after a crash', async () => {
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'items', partitions: 4 });
    const enc = new TextEncoder();
    const items = Array.from({ length: 48 }, (_, n) => n);
    for (const n of items) {
      await log.append('items', {
        key: `k${n % 8}`,
        msgId: `i${n}`,
        payload: enc.encode(JSON.stringify({ n })),
      });
    }
    const config = { name: 'scores', log, store, commitIntervalMs: 1, owner: 'one', leaseMs: 500 };

    // First run: crashed once a third of the outputs are out.
    const first = pipeline(config, flow);
    let seen = 0;
    first.subscribe(() => seen++);
    expect(await waitUntil(async () => seen >= 16, { timeoutMs: 10_000, intervalMs: 2 })).toBeUndefined();
    crash(first);
    const committed = new Set<number>();
    for (let k = 0; k < 8; k++) {
      for (const e of await store.journal('summer', `k${k}`)) committed.add((e.data as { n: number }).n);
    }
    const before = calls.length;

    // Second run, a new instance: it takes over and finishes.
    const second = pipeline({ ...config, owner: 'two' }, flow);
    const letters: Committed<unknown>[] = [];
    second.deadLetters$.subscribe((d) => letters.push(d));
    second.subscribe();
    expect(
      await waitUntil(async () => letters.length === 1, { timeoutMs: 20_000, intervalMs: 10 }),
    ).toBeUndefined();
    expect(
      await waitUntil(async () => (await journaled(store)) === items.length - 1, { timeoutMs: 20_000 }),
    ).toBeUndefined();
    await second.stop();

    // What was committed before the crash was not asked again.
    const again = calls.slice(before).filter((n) => committed.has(n));
    expect(again).toEqual([]);
    expect(committed.size).toBeGreaterThan(0);
    // Capacity held across keys and partitions, and calls did overlap.
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
    // The call that never answered (its key waits behind it, so the crash came first): three
    // attempts in the run that finished, then a dead letter naming the timeout.
    expect(committed.has(HANGS)).toBe(false);
    expect(calls.slice(before).filter((n) => n === HANGS).length).toBe(3);
    expect(letters[0]?.value).toMatchObject({
      phase: 'step',
      key: `k${HANGS % 8}`,
      reason: expect.stringContaining('AsyncCallTimeoutError: score: no result within 300 ms (attempt 3)'),
    });
    // Every other item applied exactly once, with its score (flaky ones after their retry).
    const sums = new Map<string, number>();
    for (const n of items) if (n !== HANGS) sums.set(`k${n % 8}`, (sums.get(`k${n % 8}`) ?? 0) + n * 2);
    for (const [key, sum] of sums) {
      const events = await store.journal('summer', key);
      expect(events.reduce((total, e) => total + (e.data as { score: number }).score, 0)).toBe(sum);
    }
    for (const n of items.filter(flaky))
      expect(calls.filter((c) => c === n).length).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

async function journaled(store: MemoryStore): Promise<number> {
  let count = 0;
  for (let k = 0; k < 8; k++) count += (await store.journal('summer', `k${k}`)).length;
  return count;
}
