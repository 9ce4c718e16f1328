import { describe, expect, it } from 'vitest';
import { defineActor } from '../../core/actor/actor-definition.ts';
import type { Consumer, ConsumerOptions, Delivery } from '../../core/log/log.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { CommitBatch, OutboxRow } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const failure = await waitUntil(async () => probe(), { timeoutMs, intervalMs: 2 });
  if (failure !== undefined) throw new Error(`waiting for ${what}: ${failure}`);
}

/** Lets the event loop run: enough for the memory log to hand over anything it may. */
async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

async function appendAll(log: MemoryLog, subject: string, inputs: readonly { key: string; n: number }[]) {
  for (const [i, input] of inputs.entries()) {
    await log.append(subject, {
      key: input.key,
      payload: encoder.encode(JSON.stringify({ n: input.n })),
      msgId: `in-${i}`,
      eventTime: 1_000 + i,
    });
  }
}

type Tally = { readonly count: number; readonly last: number };
type Seen = { readonly type: 'Seen'; readonly n: number };
const evolve = (s: Tally, e: Seen): Tally => ({ count: s.count + 1, last: e.n });

/** A MemoryLog that tracks the input deliveries handed out and not yet acknowledged. */
class TrackingLog extends MemoryLog {
  readonly unacked = new Set<number>();
  maxUnacked = 0;
  readonly #tracked: string;

  constructor(tracked: string) {
    super();
    this.#tracked = tracked;
  }

  override consume(subject: string, partition: number, options: ConsumerOptions): Consumer {
    const inner = super.consume(subject, partition, options);
    if (subject !== this.#tracked) return inner;
    const unacked = this.unacked;
    const seen = (seq: number): void => {
      unacked.add(seq);
      this.maxUnacked = Math.max(this.maxUnacked, unacked.size);
    };
    async function* deliveries(): AsyncGenerator<Delivery> {
      for await (const d of inner) {
        seen(d.envelope.seq);
        yield {
          envelope: d.envelope,
          deliveryCount: d.deliveryCount,
          working: () => d.working(),
          ack: () => {
            unacked.delete(d.envelope.seq);
            return d.ack();
          },
        };
      }
    }
    const iterator = deliveries();
    return { [Symbol.asyncIterator]: () => iterator, close: () => inner.close() };
  }
}

class CommitCountingStore extends MemoryStore {
  readonly commits: CommitBatch[] = [];
  override async commit(batch: CommitBatch): Promise<void> {
    this.commits.push(batch);
    return super.commit(batch);
  }
}

describe('Stage flow (memory log, memory store)', () => {
  it('runs keys in parallel: a slow key does not hold back a fast one, and each key stays in order', async () => {
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'flow.in', partitions: 1 });
    const slow = gate();
    const running = new Map<string, number>();
    let overlapWithinKey = 0;
    const started: string[] = [];
    const actor = defineActor({
      name: 'flow',
      initial: (): Tally => ({ count: 0, last: 0 }),
      decide: async (state: Tally, input: { n: number }, ctx) => {
        started.push(`${ctx.key}${input.n}`);
        running.set(ctx.key, (running.get(ctx.key) ?? 0) + 1);
        if ((running.get(ctx.key) ?? 0) > 1) overlapWithinKey++;
        if (ctx.key === 'A') await slow.promise;
        running.set(ctx.key, (running.get(ctx.key) ?? 0) - 1);
        ctx.emit({ n: input.n, count: state.count + 1 });
        return [{ type: 'Seen', n: input.n }] satisfies Seen[];
      },
      evolve,
    });
    const stage = new Stage({
      name: 'flow',
      log,
      store,
      input: 'flow.in',
      output: 'flow.out',
      actor,
      commitIntervalMs: 1,
    });
    const published: OutboxRow[] = [];
    stage.published$.subscribe((row) => published.push(row));
    await appendAll(
      log,
      'flow.in',
      [1, 2, 3].flatMap((n) => [
        { key: 'A', n },
        { key: 'B', n },
      ]),
    );
    await stage.start();
    await until('B done', () => published.length === 3);
    expect(published.map((r) => r.key)).toEqual(['B', 'B', 'B']);
    // A is still in its first input; nothing of A started out of order.
    expect(started.filter((s) => s.startsWith('A'))).toEqual(['A1']);
    expect(stage.watermarks().get(0)).toBe(0);
    slow.open();
    await until('A done', () => published.length === 6);
    await until('the watermark', () => stage.watermarks().get(0) === 6);
    await stage.stop();
    const byKey = (key: string) => published.filter((r) => r.key === key).map((r) => r.payload);
    expect(byKey('A')).toEqual([1, 2, 3].map((n) => ({ n, count: n })));
    expect(byKey('B')).toEqual([1, 2, 3].map((n) => ({ n, count: n })));
    expect(started.filter((s) => s.startsWith('A'))).toEqual(['A1', 'A2', 'A3']);
    expect(overlapWithinKey).toBe(0);
  });

  it('never holds more than maxInFlight inputs accepted but unacknowledged', async () => {
    const maxInFlight = 3;
    const log = new TrackingLog('bp.in');
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'bp.in', partitions: 1 });
    const blocked = gate();
    let inDecide = 0;
    let maxInDecide = 0;
    let decided = 0;
    const actor = defineActor({
      name: 'bp',
      initial: (): Tally => ({ count: 0, last: 0 }),
      decide: async (_s: Tally, input: { n: number }) => {
        inDecide++;
        maxInDecide = Math.max(maxInDecide, inDecide);
        await blocked.promise;
        inDecide--;
        decided++;
        return [{ type: 'Seen', n: input.n }] satisfies Seen[];
      },
      evolve,
    });
    // Every input on its own key: nothing but the in-flight bound stops them running at once.
    const inputs = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, n: i }));
    await appendAll(log, 'bp.in', inputs);
    const stage = new Stage({
      name: 'bp',
      log,
      store,
      input: 'bp.in',
      actor,
      maxInFlight,
      commitIntervalMs: 1,
    });
    await stage.start();
    await until('the first inputs', () => inDecide === maxInFlight);
    await settle();
    expect(inDecide).toBe(maxInFlight);
    expect(log.unacked.size).toBe(maxInFlight);
    blocked.open();
    await until('every input', () => stage.watermarks().get(0) === inputs.length);
    await stage.stop();
    expect(decided).toBe(inputs.length);
    expect(maxInDecide).toBe(maxInFlight);
    expect(log.maxUnacked).toBe(maxInFlight);
    expect(log.unacked.size).toBe(0);
  });

  it('commits in micro-batches of commitEvery inputs', async () => {
    const log = new MemoryLog();
    const store = new CommitCountingStore();
    await log.ensureTopic({ subject: 'mb.in', partitions: 1 });
    let decided = 0;
    const actor = defineActor({
      name: 'mb',
      initial: (): Tally => ({ count: 0, last: 0 }),
      decide: (_s: Tally, input: { n: number }) => {
        decided++;
        return [{ type: 'Seen', n: input.n }] satisfies Seen[];
      },
      evolve,
    });
    const inputs = Array.from({ length: 100 }, (_, i) => ({ key: `k${i % 7}`, n: i }));
    await appendAll(log, 'mb.in', inputs);
    const stage = new Stage({
      name: 'mb',
      log,
      store,
      input: 'mb.in',
      actor,
      commitEvery: 10,
      commitIntervalMs: 600_000,
    });
    await stage.start();
    await until('every input decided', () => decided === 100);
    await stage.stop();
    const sizes = store.commits.map((c) => c.events.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(100);
    // The first commit starts when the 10th task finishes, with those 10; tasks that finish while
    // a commit is under way go into the next one together (here the keys load in one batch and
    // their tasks run at once), so later commits may be larger — never smaller.
    expect(sizes[0]).toBe(10);
    expect(store.commits.length).toBeGreaterThanOrEqual(2);
    // Only the drain's last commit may be short; every other one waited for a full batch.
    for (const size of sizes.slice(0, -1)) expect(size).toBeGreaterThanOrEqual(10);
    expect(store.commits.at(-1)?.watermark).toBe(100);
  });

  it('commits a partial batch once commitIntervalMs passed', async () => {
    const log = new MemoryLog();
    const store = new CommitCountingStore();
    await log.ensureTopic({ subject: 'tb.in', partitions: 1 });
    const actor = defineActor({
      name: 'tb',
      initial: (): Tally => ({ count: 0, last: 0 }),
      decide: (_s: Tally, input: { n: number }) => [{ type: 'Seen', n: input.n }] satisfies Seen[],
      evolve,
    });
    await appendAll(
      log,
      'tb.in',
      [1, 2, 3].map((n) => ({ key: 'k', n })),
    );
    const stage = new Stage({
      name: 'tb',
      log,
      store,
      input: 'tb.in',
      actor,
      commitEvery: 1_000,
      commitIntervalMs: 5,
    });
    await stage.start();
    // No stop, no full batch: only the interval can commit them.
    await until('the timed commit', () => stage.watermarks().get(0) === 3);
    expect(store.commits.length).toBeGreaterThanOrEqual(1);
    expect(store.commits.length).toBeLessThanOrEqual(3);
    expect((await store.journal('tb', 'k')).map((e) => e.data)).toEqual(
      [1, 2, 3].map((n) => ({ type: 'Seen', n })),
    );
    await stage.stop();
  });
});
