import { describe, expect, it } from 'vitest';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { JournalEvent, Json, PartitionClaim } from '../../core/store/store.ts';
import { crash } from '../../core/testing/crash.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const failure = await waitUntil(async () => probe(), { timeoutMs, intervalMs: 2 });
  if (failure !== undefined) throw new Error(`waiting for ${what}: ${failure}`);
}

async function records(
  log: MemoryLog,
  subject: string,
): Promise<{ msgId: string; key: string; payload: Json }[]> {
  const out: { msgId: string; key: string; payload: Json }[] = [];
  for (let p = 0; p < (await log.partitions(subject)); p++) {
    for await (const env of log.read(subject, p, 1)) {
      out.push({ msgId: env.id, key: env.key, payload: JSON.parse(decoder.decode(env.payload)) as Json });
    }
  }
  return out;
}

function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => {};
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

class CountingStore extends MemoryStore {
  claims = 0;
  override async claim(stage: string, partition: number, owner: string): Promise<PartitionClaim> {
    this.claims++;
    return super.claim(stage, partition, owner);
  }
}

type QuoteState = { readonly total: number; readonly count: number };
type Quoted = { readonly type: 'Quoted'; readonly total: number };

/** What the quote actor calls: the test decides what each step does per attempt. */
interface QuoteHooks {
  base(): Json | Promise<Json>;
  extra(): Json | Promise<Json>;
  /** Sees the journal right after `run('base')` resolved. */
  afterBase?(journal: readonly JournalEvent[]): void;
  /** Sees what each attempt read from ctx before its first step. */
  seen?(t0: number, r: number): void;
  /** The name of the first step, to make a re-run non-deterministic. */
  firstStep?(): string;
  /** Collects the step id each `extra` call is given. */
  readonly extraIds?: string[];
}

function quoteActor(store: MemoryStore, hooks: QuoteHooks) {
  return defineActor({
    name: 'quote',
    initial: (): QuoteState => ({ total: 0, count: 0 }),
    decide: async (state: QuoteState, input: { sku: string }, ctx) => {
      const t0 = ctx.now();
      const r = ctx.random();
      hooks.seen?.(t0, r);
      const base = (await ctx.run(hooks.firstStep?.() ?? 'base', () => hooks.base())) as number;
      hooks.afterBase?.(await store.journal('quote', ctx.key));
      const extra = (await ctx.run('extra', (step) => {
        hooks.extraIds?.push(step.id);
        return hooks.extra();
      })) as number;
      ctx.emit({ sku: input.sku, base, extra, t0, r, total: state.total + base + extra });
      return [{ type: 'Quoted', total: base + extra }] satisfies Quoted[];
    },
    evolve: (s: QuoteState, e: Quoted): QuoteState => ({ total: s.total + e.total, count: s.count + 1 }),
  });
}

async function setup(): Promise<{ log: MemoryLog; store: CountingStore }> {
  const log = new MemoryLog();
  const store = new CountingStore();
  await store.migrate();
  await log.ensureTopic({ subject: 'quotes.in', partitions: 1 });
  return { log, store };
}

function quoteStage(
  log: MemoryLog,
  store: MemoryStore,
  hooks: QuoteHooks,
  clock: () => number,
): Stage<QuoteState, { sku: string }, Quoted, Json> {
  return new Stage({
    name: 'quotes',
    log,
    store,
    input: 'quotes.in',
    partitions: [0], // claimed outright: this test counts claims
    output: 'quotes.out',
    actor: quoteActor(store, hooks),
    commitIntervalMs: 1,
    restartDelayMs: 1,
    owner: 'test',
    clock,
  });
}

const append = (log: MemoryLog, key: string, sku: string, id: string) =>
  log.append('quotes.in', { key, payload: encoder.encode(JSON.stringify({ sku })), msgId: id, eventTime: 1 });

/** One input through a stage that never fails: what a crash must reproduce. */
async function crashFreeRun(): Promise<{ outputs: Json; journal: readonly JournalEvent[] }> {
  const { log, store } = await setup();
  let baseCalls = 0;
  const stage = quoteStage(log, store, { base: () => ++baseCalls * 100, extra: () => 7 }, () => 1_000);
  await append(log, 'k1', 'apple', 'in-1');
  await stage.start();
  await until('the output', async () => (await records(log, 'quotes.out')).length === 1);
  await stage.stop();
  return { outputs: await records(log, 'quotes.out'), journal: await store.journal('quote', 'k1') };
}

describe('ctx steps through a Stage (memory log, memory store)', () => {
  it('journals a run step, committed, before run resolves', async () => {
    const { log, store } = await setup();
    const journals: (readonly JournalEvent[])[] = [];
    const stage = quoteStage(
      log,
      store,
      { base: () => 100, extra: () => 7, afterBase: (j) => journals.push(j) },
      () => 1_000,
    );
    await append(log, 'k1', 'apple', 'in-1');
    await stage.start();
    await until('the step journal', () => journals.length === 1);
    // The store only holds committed events: the step and the clock read before it are there.
    expect(journals[0]?.map((e) => [e.type, e.data])).toEqual([
      ['$step', { task: 'seq:1', index: 0, kind: 'now', name: 'now', value: 1_000 }],
      ['$step', { task: 'seq:1', index: 1, kind: 'run', name: 'base', value: 100 }],
    ]);
    await until('the output', async () => (await records(log, 'quotes.out')).length === 1);
    await stage.stop();
    const journal = await store.journal('quote', 'k1');
    expect(journal.map((e) => e.type)).toEqual(['$step', '$step', '$step', 'Quoted']);
    expect(journal.map((e) => e.version)).toEqual([1, 2, 3, 4]);
  });

  it('after a crash mid-input, replays recorded steps without calling them and ends as a crash-free run', async () => {
    const clean = await crashFreeRun();
    const { log, store } = await setup();
    let now = 1_000;
    let baseCalls = 0;
    let extraCalls = 0;
    const stuck = gate<number>();
    const seen: [number, number][] = [];
    const hooks: QuoteHooks = {
      base: () => ++baseCalls * 100,
      // The first attempt hangs in its second step, where the process dies.
      extra: () => (++extraCalls === 1 ? stuck.promise : 7),
      seen: (t0, r) => seen.push([t0, r]),
      extraIds: [],
    };
    await append(log, 'k1', 'apple', 'in-1');
    const first = quoteStage(log, store, hooks, () => now);
    await first.start();
    await until('the second step', () => extraCalls === 1);
    expect((await store.journal('quote', 'k1')).map((e) => (e.data as { name: string }).name)).toEqual([
      'now',
      'base',
    ]);
    crash(first);

    now = 5_000;
    const second = quoteStage(log, store, hooks, () => now);
    await second.start();
    await until('the output', async () => (await records(log, 'quotes.out')).length === 1);
    await second.stop();
    stuck.open(999); // the dead attempt wakes up to a stopped runtime and changes nothing

    expect(baseCalls).toBe(1);
    expect(extraCalls).toBe(2);
    // The step in flight at the crash runs again under the same id: an idempotency key for side effects.
    expect(hooks.extraIds).toEqual(['quote/k1/seq:1/2', 'quote/k1/seq:1/2']);
    // The clock read and the random draw of the re-run are the first attempt's.
    expect(seen).toEqual([
      [1_000, seen[0]?.[1]],
      [1_000, seen[0]?.[1]],
    ]);
    const outputs = await records(log, 'quotes.out');
    expect(outputs).toEqual(clean.outputs);
    expect(outputs[0]?.payload).toMatchObject({ base: 100, extra: 7, t0: 1_000, total: 107 });
    const journal = await store.journal('quote', 'k1');
    expect(journal.map((e) => [e.type, e.data])).toEqual(clean.journal.map((e) => [e.type, e.data]));
    expect(store.claims).toBe(2);
  });

  it('dead-letters an input whose re-run asks for a different step, and the key goes on', async () => {
    const { log, store } = await setup();
    let firstStep = 'base';
    let extraCalls = 0;
    const stuck = gate<number>();
    const hooks: QuoteHooks = {
      base: () => 100,
      extra: () => (++extraCalls === 1 ? stuck.promise : 7),
      firstStep: () => firstStep,
    };
    await append(log, 'k1', 'apple', 'in-1');
    const first = quoteStage(log, store, hooks, () => 1_000);
    await first.start();
    await until('the second step', () => extraCalls === 1);
    crash(first);

    // A new deployment renamed the step: the recorded one no longer matches.
    firstStep = 'renamed';
    await append(log, 'k1', 'pear', 'in-2');
    const second = quoteStage(log, store, hooks, () => 1_000);
    await second.start();
    await until('the second input', async () => (await records(log, 'quotes.out')).length === 1);
    await until('the watermark', () => second.watermarks().get(0) === 2);
    await second.stop();
    stuck.open(0);

    const dead = await records(log, 'quotes.dead-letter');
    expect(dead).toHaveLength(1);
    const letter = dead[0]?.payload as {
      phase: string;
      reason: string;
      source: { seq: number; payloadPrefixBase64: string };
    };
    expect(letter.phase).toBe('decide');
    expect(letter.reason).toMatch(
      /^NonDeterminismError: .*recorded as run\(base\) but the re-run asked for run\(renamed\)/,
    );
    expect(letter.source.seq).toBe(1);
    expect(JSON.parse(Buffer.from(letter.source.payloadPrefixBase64, 'base64').toString())).toEqual({
      sku: 'apple',
    });
    const outputs = await records(log, 'quotes.out');
    expect(outputs.map((o) => (o.payload as { sku: string }).sku)).toEqual(['pear']);
    // One claim per instance: the partition did not fail and restart.
    expect(store.claims).toBe(2);
    const journal = await store.journal('quote', 'k1');
    expect(journal.filter((e) => e.type === 'Quoted').map((e) => e.data)).toEqual([
      { type: 'Quoted', total: 107 },
    ]);
  });

  it('replays concurrent steps after a crash even though they were journaled out of call order', async () => {
    const { log, store } = await setup();
    const calls: string[] = [];
    const slow = gate<string>();
    const stuck = gate<string>();
    const step = (name: string, value: Promise<string> | string) => () => {
      calls.push(name);
      return value;
    };
    const fanOut = defineActor({
      name: 'fan-out',
      initial: (): { readonly answers: readonly string[] } => ({ answers: [] }),
      decide: async (_s, _input: Json, ctx) => {
        const attempt = calls.length === 0 ? 1 : 2;
        const both = await Promise.all([
          ctx.run('slow', step('slow', attempt === 1 ? slow.promise : 'S2')),
          ctx.run('fast', step('fast', 'F')),
        ]);
        const last = await ctx.run('last', step('last', attempt === 1 ? stuck.promise : 'L'));
        ctx.emit([...both, last]);
        return [{ type: 'Answered' as const, answers: [...both, last] }];
      },
      evolve: (_s, e: { type: 'Answered'; answers: string[] }) => ({ answers: e.answers }),
    });
    const stageOf = () =>
      new Stage({
        name: 'fan',
        log,
        store,
        input: 'quotes.in',
        output: 'fan.out',
        actor: fanOut,
        commitIntervalMs: 1,
        restartDelayMs: 1,
      });
    await append(log, 'k1', 'apple', 'in-1');
    const first = stageOf();
    await first.start();
    await until('both steps started', () => calls.length === 2);
    // 'fast' is journaled first, then 'slow' (called first) finishes.
    await until('the fast step', async () => (await store.journal('fan-out', 'k1')).length === 1);
    slow.open('S');
    await until('the last step', () => calls.length === 3);
    crash(first);

    const second = stageOf();
    await second.start();
    await until(
      'the output or a dead letter',
      async () => (await records(log, 'fan.out')).length + (await records(log, 'fan.dead-letter')).length > 0,
    );
    await second.stop();
    stuck.open('never used');
    expect(await records(log, 'fan.dead-letter')).toEqual([]);
    expect((await records(log, 'fan.out'))[0]?.payload).toEqual(['S', 'F', 'L']);
    expect(calls).toEqual(['slow', 'fast', 'last', 'last']);
  });
});
