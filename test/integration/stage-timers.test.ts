import { describe, expect, it } from 'vitest';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import type { Json } from '../../core/store/store.ts';
import { crash } from '../../core/testing/crash.ts';
import { waitUntil } from '../services/wait-until.ts';
import { LoadObservingStore } from './load-observing-store.ts';

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

type AlarmInput =
  | { readonly op: 'set'; readonly name: string; readonly at: number; readonly kind: 'event' | 'processing' }
  | { readonly op: 'cancel'; readonly name: string }
  | { readonly op: 'tick' };
type Alarms = { readonly fired: readonly string[] };
type Fired = { readonly type: 'Fired'; readonly name: string; readonly at: number };

const alarm = defineActor({
  name: 'alarm',
  initial: (): Alarms => ({ fired: [] }),
  decide: (_s: Alarms, input: AlarmInput, ctx) => {
    if (input.op === 'set' && input.kind === 'event') ctx.timers.setEventTime(input.name, input.at);
    if (input.op === 'set' && input.kind === 'processing') ctx.timers.setProcessingTime(input.name, input.at);
    if (input.op === 'cancel') ctx.timers.cancel(input.name);
    return [];
  },
  onTimer: (_s: Alarms, timer, ctx) => {
    ctx.emit({ fired: timer.name, at: timer.at, kind: timer.kind });
    return [{ type: 'Fired', name: timer.name, at: timer.at }] satisfies Fired[];
  },
  evolve: (s: Alarms, e: Fired): Alarms => ({ fired: [...s.fired, `${e.name}@${e.at}`] }),
});

class Harness {
  readonly log = new MemoryLog();
  readonly store = new LoadObservingStore();
  now = 1_700_000_000_000;
  clockReads = 0;
  #seq = 0;

  async topic(): Promise<void> {
    await this.log.ensureTopic({ subject: 'alarms.in', partitions: 1 });
  }

  stage(maxActiveKeys?: number): Stage<Alarms, AlarmInput, Fired, Json> {
    return new Stage({
      name: 'alarms',
      log: this.log,
      store: this.store,
      input: 'alarms.in',
      output: 'alarms.out',
      actor: alarm,
      commitEvery: 1,
      commitIntervalMs: 1,
      timerTickMs: 2,
      clock: () => {
        this.clockReads++;
        return this.now;
      },
      ...(maxActiveKeys !== undefined ? { maxActiveKeys } : {}),
    });
  }

  async send(key: string, input: AlarmInput | WindowInput | MoverInput, eventTime: number): Promise<number> {
    const seq = ++this.#seq;
    await this.log.append('alarms.in', {
      key,
      payload: encoder.encode(JSON.stringify(input)),
      msgId: `in-${seq}`,
      eventTime,
    });
    return seq;
  }

  /** Committed firings of a key, from its journal. */
  async fired(key: string): Promise<string[]> {
    return (await this.store.journal('alarm', key)).map((e) => {
      const d = e.data as Fired;
      return `${d.name}@${d.at}`;
    });
  }

  async outputs(): Promise<{ msgId: string; key: string; payload: Json }[]> {
    const out: { msgId: string; key: string; payload: Json }[] = [];
    for await (const env of this.log.read('alarms.out', 0, 1)) {
      out.push({ msgId: env.id, key: env.key, payload: JSON.parse(decoder.decode(env.payload)) as Json });
    }
    return out;
  }

  /** Lets the processing-time tick run a few more times. */
  async ticks(n: number): Promise<void> {
    const target = this.clockReads + n;
    await until(`${n} clock reads`, () => this.clockReads >= target);
  }
}

type WindowInput = { readonly op: 'close-at'; readonly at: number } | { readonly op: 'tick' };
type Closed = { readonly type: 'Closed'; readonly at: number; readonly n: number };

/** What the window actor's side effect did, and where a test holds it. */
interface Probe {
  /** Calls of the side effect; each returns the next number. */
  calls: number;
  /** Holds the nth call before it returns, so the test can crash the instance there. */
  holdCall?: { readonly n: number; readonly gate: Promise<void> };
  /** Holds the firing of that number after its step returned (and was committed). */
  holdAfterStep?: { readonly n: number; readonly gate: Promise<void> };
}

/** Closes a window at a timer; the firing takes a number from a side effect through `ctx.run`. */
function windowActor(probe: Probe) {
  return defineActor({
    name: 'window',
    initial: (): { readonly closed: readonly number[] } => ({ closed: [] }),
    decide: (_s, input: WindowInput, ctx) => {
      if (input.op === 'close-at') ctx.timers.setEventTime('window', input.at);
      return [];
    },
    onTimer: async (_s, timer, ctx) => {
      const n = await ctx.run('number', async () => {
        const call = ++probe.calls;
        if (probe.holdCall?.n === call) await probe.holdCall.gate;
        return call;
      });
      if (probe.holdAfterStep?.n === n) await probe.holdAfterStep.gate;
      ctx.emit({ at: timer.at, n });
      return [{ type: 'Closed', at: timer.at, n }] satisfies Closed[];
    },
    evolve: (s, e: Closed) => ({ closed: [...s.closed, e.n] }),
  });
}

function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

function windowStage(
  h: Harness,
  probe: Probe,
): Stage<{ readonly closed: readonly number[] }, WindowInput, Closed, Json> {
  return new Stage({
    name: 'alarms',
    log: h.log,
    store: h.store,
    input: 'alarms.in',
    output: 'alarms.out',
    actor: windowActor(probe),
    commitEvery: 1,
    commitIntervalMs: 1,
    timerTickMs: 2,
  });
}

/** Journaled steps of the window actor's key, by task id. */
async function stepTasks(h: Harness, key: string): Promise<string[]> {
  return (await h.store.journal('window', key))
    .filter((e) => e.type === '$step')
    .map((e) => String((e.data as { task?: Json }).task));
}

type MoverInput =
  | { readonly op: 'wait' }
  | { readonly op: 'move'; readonly at: number }
  | { readonly op: 'tick' };

/** Moves one timer around; `wait` holds the key until the gate opens, so its later inputs queue up. */
function moverActor(wait: Promise<void>) {
  return defineActor({
    name: 'mover',
    initial: (): { readonly fired: number } => ({ fired: 0 }),
    decide: async (_s, input: MoverInput, ctx) => {
      if (input.op === 'wait') await wait;
      if (input.op === 'move') ctx.timers.setEventTime('x', input.at);
      return [];
    },
    onTimer: () => [{ type: 'Fired' as const }],
    evolve: (s, _e: { readonly type: 'Fired' }) => ({ fired: s.fired + 1 }),
  });
}

describe('Stage timers (memory log, memory store)', () => {
  it('fires an event-time timer once when the event clock passes it, for a passivated key too', async () => {
    const h = new Harness();
    await h.topic();
    const stage = h.stage(1);
    await h.send('A', { op: 'set', name: 'wake', at: 5_000, kind: 'event' }, 1_000);
    await h.send('B', { op: 'tick' }, 2_000);
    await h.send('C', { op: 'tick' }, 3_000);
    await stage.start();
    await until('three inputs', () => stage.watermarks().get(0) === 3);
    expect(await h.fired('A')).toEqual([]);
    expect(h.store.loadedKeys.filter((k) => k === 'A')).toHaveLength(1);

    // B's event time passes A's timer; A (passivated, room for one key) is loaded again to fire it.
    const passing = await h.send('B', { op: 'tick' }, 6_000);
    await until('the firing', () => stage.watermarks().get(0) === passing);
    expect(await h.fired('A')).toEqual(['wake@5000']);
    expect(h.store.loadedKeys.filter((k) => k === 'A')).toHaveLength(2);

    await h.send('C', { op: 'tick' }, 7_000);
    const last = await h.send('A', { op: 'tick' }, 8_000);
    await until('later inputs', () => stage.watermarks().get(0) === last);
    await until('outputs published', async () => (await h.store.outbox('alarms', 0)).length === 0);
    await stage.stop();
    expect(await h.fired('A')).toEqual(['wake@5000']);
    expect(await h.outputs()).toEqual([
      // The firing is named by the timer's serial: the key's first timer setting.
      { msgId: 'alarms:0:t:A:1:0', key: 'A', payload: { fired: 'wake', at: 5_000, kind: 'event' } },
    ]);
    expect(await h.store.timers('alarms', 0)).toEqual([]);
  });

  it('does not fire a moved timer at its old time nor a cancelled one at all', async () => {
    const h = new Harness();
    await h.topic();
    const stage = h.stage();
    await h.send('A', { op: 'set', name: 'x', at: 3_000, kind: 'event' }, 100);
    await h.send('A', { op: 'set', name: 'y', at: 2_000, kind: 'event' }, 200);
    await h.send('A', { op: 'set', name: 'x', at: 5_000, kind: 'event' }, 300);
    await h.send('A', { op: 'cancel', name: 'y' }, 400);
    await stage.start();
    const past = await h.send('B', { op: 'tick' }, 4_000);
    // A firing made due by an input holds that input's watermark: at this point it would be committed.
    await until('the clock past 3000', () => stage.watermarks().get(0) === past);
    expect(await h.fired('A')).toEqual([]);
    expect(await h.store.timers('alarms', 0)).toMatchObject([
      { key: 'A', name: 'x', kind: 'event', at: 5_000 },
    ]);

    const later = await h.send('B', { op: 'tick' }, 10_000);
    await until('the clock past 5000', () => stage.watermarks().get(0) === later);
    await stage.stop();
    expect(await h.fired('A')).toEqual(['x@5000']);
    expect(await h.store.timers('alarms', 0)).toEqual([]);
  });

  it('fires a processing-time timer once the clock reaches it', async () => {
    const h = new Harness();
    await h.topic();
    const stage = h.stage();
    const at = h.now + 60_000;
    await h.send('A', { op: 'set', name: 'p', at, kind: 'processing' }, 1);
    await stage.start();
    await until('the timer set', () => stage.watermarks().get(0) === 1);
    await h.ticks(10);
    expect(await h.fired('A')).toEqual([]);

    h.now = at;
    await until('the firing', async () => (await h.fired('A')).length > 0);
    await h.ticks(10);
    await until('outputs published', async () => (await h.store.outbox('alarms', 0)).length === 0);
    await stage.stop();
    expect(await h.fired('A')).toEqual([`p@${at}`]);
    expect((await h.outputs()).map((o) => o.payload)).toEqual([{ fired: 'p', at, kind: 'processing' }]);
  });

  it('keeps timers across a restart and fires them in the new instance', async () => {
    const h = new Harness();
    await h.topic();
    const at = h.now + 60_000;
    await h.send('A', { op: 'set', name: 'e', at: 5_000, kind: 'event' }, 1_000);
    await h.send('A', { op: 'set', name: 'p', at, kind: 'processing' }, 1_000);
    const first = h.stage();
    await first.start();
    await until('the timers set', () => first.watermarks().get(0) === 2);
    await first.stop();
    expect((await h.store.timers('alarms', 0)).map((t) => [t.name, t.kind, t.at])).toEqual([
      ['e', 'event', 5_000],
      ['p', 'processing', at],
    ]);

    const second = h.stage();
    await second.start();
    const passing = await h.send('B', { op: 'tick' }, 6_000);
    await until('the event-time firing', () => second.watermarks().get(0) === passing);
    expect(await h.fired('A')).toEqual(['e@5000']);
    h.now = at;
    await until('the processing-time firing', async () => (await h.fired('A')).length === 2);
    await until('outputs published', async () => (await h.store.outbox('alarms', 0)).length === 0);
    await second.stop();
    expect(await h.fired('A')).toEqual(['e@5000', `p@${at}`]);
    expect(await h.outputs()).toHaveLength(2);
    expect(await h.store.timers('alarms', 0)).toEqual([]);
  });

  // A window end timer set again by a late record has the name and time of one that fired: each setting
  // has its own serial, so the second firing's outputs are not taken for duplicates of the first's.
  it('publishes the output of every firing when a fired timer is set again at the same time', async () => {
    const h = new Harness();
    await h.topic();
    const stage = h.stage();
    await h.send('A', { op: 'set', name: 'window', at: 5_000, kind: 'event' }, 1_000);
    await h.send('B', { op: 'tick' }, 6_000);
    // A late record for the same window sets its end timer again; it is due at once and fires again.
    const late = await h.send('A', { op: 'set', name: 'window', at: 5_000, kind: 'event' }, 4_000);
    await stage.start();
    await until('the late input', () => stage.watermarks().get(0) === late);
    await until('outputs published', async () => (await h.store.outbox('alarms', 0)).length === 0);
    await stage.stop();
    expect(await h.fired('A')).toEqual(['window@5000', 'window@5000']);
    expect(await h.outputs()).toEqual([
      { msgId: 'alarms:0:t:A:1:0', key: 'A', payload: { fired: 'window', at: 5_000, kind: 'event' } },
      { msgId: 'alarms:0:t:A:2:0', key: 'A', payload: { fired: 'window', at: 5_000, kind: 'event' } },
    ]);
  });

  it('commits the watermark when the last task done is a firing whose timer moved since', async () => {
    const h = new Harness();
    await h.topic();
    const held = gate();
    const stage = new Stage({
      name: 'alarms',
      log: h.log,
      store: h.store,
      input: 'alarms.in',
      actor: moverActor(held.promise),
      commitEvery: 1,
      commitIntervalMs: 1,
    });
    await stage.start();
    await h.send('A', { op: 'wait' }, 0);
    await h.send('A', { op: 'move', at: 10 }, 1);
    await h.send('A', { op: 'move', at: 30 }, 2);
    const last = await h.send('B', { op: 'tick' }, 20);
    await until(
      'B done while A waits',
      async () => (await h.store.load('mover', 'B', 'alarms', 0)).lastAppliedSeq === last,
    );
    // A's first move is due at once (the clock is at 20) and queued behind A's second move, which moves it
    // to 30: the queued firing finds its timer moved and does nothing, and it is the last task to finish.
    held.open();
    await until('the watermark past every input', () => stage.watermarks().get(0) === last);
    await stage.stop();
    expect(await h.store.journal('mover', 'A')).toEqual([]);
    expect((await h.store.timers('alarms', 0)).map((t) => [t.key, t.name, t.at])).toEqual([['A', 'x', 30]]);
  });

  it('numbers the firings of a timer set again on a passivated key from its stored serial', async () => {
    const h = new Harness();
    await h.topic();
    const stage = h.stage(1);
    await h.send('A', { op: 'set', name: 'window', at: 5_000, kind: 'event' }, 1_000);
    await h.send('B', { op: 'tick' }, 6_000);
    await stage.start();
    await until('the first firing', () => stage.watermarks().get(0) === 2);
    // C pushes A out of memory (room for one key); A comes back from the store for the late record.
    const other = await h.send('C', { op: 'tick' }, 6_001);
    await until('A passivated', () => stage.watermarks().get(0) === other);
    const late = await h.send('A', { op: 'set', name: 'window', at: 5_000, kind: 'event' }, 4_000);
    await until('the late input', () => stage.watermarks().get(0) === late);
    await until('outputs published', async () => (await h.store.outbox('alarms', 0)).length === 0);
    await stage.stop();
    expect(h.store.loadedKeys.filter((k) => k === 'A')).toHaveLength(2);
    expect((await h.outputs()).map((o) => o.msgId)).toEqual(['alarms:0:t:A:1:0', 'alarms:0:t:A:2:0']);
  });
});

describe('Stage timers set again after they fired, across crashes (memory log, memory store)', () => {
  /** A's window timer fires once and its output is published; the tests then send the late record. */
  async function firstFiring(
    h: Harness,
    probe: Probe,
  ): Promise<Stage<{ readonly closed: readonly number[] }, WindowInput, Closed, Json>> {
    await h.topic();
    await h.send('A', { op: 'close-at', at: 5_000 }, 1_000);
    const passing = await h.send('B', { op: 'tick' }, 6_000);
    const stage = windowStage(h, probe);
    await stage.start();
    await until('the first firing', () => stage.watermarks().get(0) === passing);
    await until('its output published', async () => (await h.store.outbox('alarms', 0)).length === 0);
    return stage;
  }

  async function finish(
    h: Harness,
    probe: Probe,
    late: number,
  ): Promise<{ msgId: string; key: string; payload: Json }[]> {
    const stage = windowStage(h, probe);
    await stage.start();
    await until('the late input', () => stage.watermarks().get(0) === late);
    await until('outputs published', async () => (await h.store.outbox('alarms', 0)).length === 0);
    await stage.stop();
    expect(await h.store.timers('alarms', 0)).toEqual([]);
    return h.outputs();
  }

  it('crash between the firings: the new instance fires the second as a new firing', async () => {
    const h = new Harness();
    const probe: Probe = { calls: 0 };
    crash(await firstFiring(h, probe));
    const late = await h.send('A', { op: 'close-at', at: 5_000 }, 4_000);
    expect(await finish(h, probe, late)).toEqual([
      { msgId: 'alarms:0:t:A:1:0', key: 'A', payload: { at: 5_000, n: 1 } },
      { msgId: 'alarms:0:t:A:2:0', key: 'A', payload: { at: 5_000, n: 2 } },
    ]);
    expect(probe.calls).toBe(2);
    expect(await stepTasks(h, 'A')).toEqual(['timer:1:window', 'timer:2:window']);
  });

  it('crash in the second firing before its step is recorded: the step runs again, not the first firing’s', async () => {
    const h = new Harness();
    const held = gate();
    const probe: Probe = { calls: 0, holdCall: { n: 2, gate: held.promise } };
    const stage = await firstFiring(h, probe);
    const late = await h.send('A', { op: 'close-at', at: 5_000 }, 4_000);
    await until('the second firing in its step', () => probe.calls === 2);
    await until('the timer set again, committed', async () =>
      (await h.store.timers('alarms', 0)).some((t) => t.serial === 2),
    );
    crash(stage);
    held.open();
    // The first firing's step is still in the journal, under its own task id.
    expect(await stepTasks(h, 'A')).toEqual(['timer:1:window']);
    expect(await finish(h, probe, late)).toEqual([
      { msgId: 'alarms:0:t:A:1:0', key: 'A', payload: { at: 5_000, n: 1 } },
      { msgId: 'alarms:0:t:A:2:0', key: 'A', payload: { at: 5_000, n: 3 } },
    ]);
    expect(probe.calls).toBe(3);
  });

  it('crash in the second firing after its step is recorded: the new instance replays that step', async () => {
    const h = new Harness();
    const held = gate();
    const probe: Probe = { calls: 0, holdAfterStep: { n: 2, gate: held.promise } };
    const stage = await firstFiring(h, probe);
    const late = await h.send('A', { op: 'close-at', at: 5_000 }, 4_000);
    await until('the second firing’s step committed', async () => (await stepTasks(h, 'A')).length === 2);
    crash(stage);
    held.open();
    expect(await finish(h, probe, late)).toEqual([
      { msgId: 'alarms:0:t:A:1:0', key: 'A', payload: { at: 5_000, n: 1 } },
      { msgId: 'alarms:0:t:A:2:0', key: 'A', payload: { at: 5_000, n: 2 } },
    ]);
    expect(probe.calls).toBe(2);
    expect(await stepTasks(h, 'A')).toEqual(['timer:1:window', 'timer:2:window']);
  });
});
