import { describe, expect, it } from 'vitest';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { ActorRecord, Json } from '../../core/store/store.ts';
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

class LoadCountingStore extends MemoryStore {
  readonly loads: string[] = [];
  override async load(actor: string, key: string, stage: string, partition: number): Promise<ActorRecord> {
    this.loads.push(key);
    return super.load(actor, key, stage, partition);
  }
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
  readonly store = new LoadCountingStore();
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

  async send(key: string, input: AlarmInput, eventTime: number): Promise<number> {
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
    expect(h.store.loads.filter((k) => k === 'A')).toHaveLength(1);

    // B's event time passes A's timer; A (passivated, room for one key) is loaded again to fire it.
    const passing = await h.send('B', { op: 'tick' }, 6_000);
    await until('the firing', () => stage.watermarks().get(0) === passing);
    expect(await h.fired('A')).toEqual(['wake@5000']);
    expect(h.store.loads.filter((k) => k === 'A')).toHaveLength(2);

    await h.send('C', { op: 'tick' }, 7_000);
    const last = await h.send('A', { op: 'tick' }, 8_000);
    await until('later inputs', () => stage.watermarks().get(0) === last);
    await until('outputs published', async () => (await h.store.outbox('alarms', 0)).length === 0);
    await stage.stop();
    expect(await h.fired('A')).toEqual(['wake@5000']);
    expect(await h.outputs()).toEqual([
      { msgId: 'alarms:0:t:A:wake:5000:0', key: 'A', payload: { fired: 'wake', at: 5_000, kind: 'event' } },
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

  // Known bug, reported to the lead: timer outputs get msg id `<stage>:<p>:t:<key>:<name>:<at>:<i>`, so a
  // second firing of the same name at the same time (a window end timer set again by a late record) has
  // its output dropped by the log's msg-id dedup. `it.fails` turns red once the runtime is fixed: drop it then.
  it.fails('publishes the output of every firing when a fired timer is set again at the same time', async () => {
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
    expect(await h.outputs()).toHaveLength(2);
  });
});
