import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { JetStreamLog, streamName } from '../../connectors/jetstream/index.ts';
import { defineActor } from '../../core/actor/actor-definition.ts';
import type { Consumer, ConsumerOptions, Delivery, Log } from '../../core/log/log.ts';
import { replayKey } from '../../core/replay/replay-key.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import { crash } from '../../core/testing/crash.ts';
import { waitUntil } from '../services/wait-until.ts';
import { deleteStreams } from '../support/delete-streams.ts';

/**
 * A Stage whose input is read with `acks: 'none'` (a JetStream ordered
 * consumer) still applies every input exactly once: the consumer starts at the
 * committed watermark, and what a crash makes it read again is skipped per key.
 */
const natsUrl = inject('natsUrl');
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const streams: string[] = [];
const logs: JetStreamLog[] = [];

afterAll(async () => {
  await Promise.all(logs.map((l) => l.close()));
  await deleteStreams(natsUrl, streams);
});

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const failure = await waitUntil(async () => probe(), { timeoutMs, intervalMs: 10 });
  if (failure !== undefined) throw new Error(`waiting for ${what}: ${failure}`);
}

/** Each consume call's options and the sequences it handed out. */
interface ConsumeCall {
  readonly partition: number;
  readonly options: ConsumerOptions;
  readonly handed: number[];
}

/** A log that records the consumers of one subject. */
class RecordingLog implements Log {
  readonly calls: ConsumeCall[] = [];
  readonly #inner: Log;
  readonly #subject: string;

  constructor(inner: Log, subject: string) {
    this.#inner = inner;
    this.#subject = subject;
  }

  consume(subject: string, partition: number, options: ConsumerOptions): Consumer {
    const inner = this.#inner.consume(subject, partition, options);
    if (subject !== this.#subject) return inner;
    const call: ConsumeCall = { partition, options, handed: [] };
    this.calls.push(call);
    async function* deliveries(): AsyncGenerator<Delivery> {
      for await (const d of inner) {
        call.handed.push(d.envelope.seq);
        yield d;
      }
    }
    const iterator = deliveries();
    return { [Symbol.asyncIterator]: () => iterator, close: () => inner.close() };
  }

  ensureTopic: Log['ensureTopic'] = (config) => this.#inner.ensureTopic(config);
  partitions: Log['partitions'] = (subject) => this.#inner.partitions(subject);
  append: Log['append'] = (subject, record) => this.#inner.append(subject, record);
  check: Log['check'] = (subject, record) => this.#inner.check(subject, record);
  read: Log['read'] = (subject, partition, fromSeq) => this.#inner.read(subject, partition, fromSeq);
  pending: Log['pending'] = (subject, partition, afterSeq) =>
    this.#inner.pending(subject, partition, afterSeq);
  close: Log['close'] = () => this.#inner.close();
}

type Input = { readonly key: string; readonly n: number };
type Seen = { readonly type: 'Seen'; readonly n: number };
type Output = { readonly key: string; readonly n: number; readonly count: number };

/** Inputs whose processing waits until the test opens them. */
const gates = new Map<number, Promise<void>>();

/** Keeps every input it applied, in order, so a lost, doubled or reordered input shows. */
const tally = defineActor({
  name: 'ackless-tally',
  initial: (): { readonly seen: readonly number[] } => ({ seen: [] }),
  decide: async (state, input: Input, ctx) => {
    await gates.get(input.n);
    ctx.emit({ key: input.key, n: input.n, count: state.seen.length + 1 } satisfies Output);
    return [{ type: 'Seen', n: input.n }] satisfies Seen[];
  },
  evolve: (s, e: Seen) => ({ seen: [...s.seen, e.n] }),
});

async function topics(partitions: number) {
  const name = `ackless-${randomUUID().slice(0, 8)}`;
  const input = `${name}.in`;
  for (const subject of [input, `${name}.out`, `${name}.dead-letter`]) streams.push(streamName(subject));
  const setup = await openLog();
  await setup.ensureTopic({ subject: input, partitions });
  return { name, input };
}

async function openLog(): Promise<JetStreamLog> {
  const log = await JetStreamLog.connect({ servers: natsUrl }, { storage: 'memory' });
  logs.push(log);
  return log;
}

/** A stage instance on its own connection, as a restarted process would have. */
async function instance(name: string, input: string, store: MemoryStore, partitions: readonly number[]) {
  const log = new RecordingLog(await openLog(), input);
  const stage = new Stage({
    name,
    log,
    store,
    input,
    output: `${name}.out`,
    actor: tally,
    partitions,
    owner: randomUUID(),
    acks: 'none',
    maxInFlight: 8,
    commitEvery: 4,
    commitIntervalMs: 20,
  });
  return { log, stage };
}

async function append(log: Log, input: string, inputs: readonly Input[]): Promise<Map<number, number>> {
  const seqOf = new Map<number, number>();
  for (const i of inputs) {
    const ack = await log.append(input, {
      key: i.key,
      payload: encoder.encode(JSON.stringify(i)),
      msgId: `in-${i.n}`,
    });
    seqOf.set(i.n, ack.seq);
  }
  return seqOf;
}

async function outputs(log: Log, name: string, partitions: number): Promise<Output[]> {
  const out: Output[] = [];
  for (let p = 0; p < partitions; p++) {
    for await (const e of log.read(`${name}.out`, p, 1)) out.push(JSON.parse(decoder.decode(e.payload)));
  }
  return out;
}

/** Every key applied exactly its inputs, in order, once; and emitted one output per input, counting 1, 2, ... */
async function expectExactlyOnce(
  log: Log,
  store: MemoryStore,
  name: string,
  partitions: number,
  inputs: readonly Input[],
) {
  const keys = [...new Set(inputs.map((i) => i.key))];
  const out = await outputs(log, name, partitions);
  expect(out).toHaveLength(inputs.length);
  for (const key of keys) {
    const expected = inputs.filter((i) => i.key === key).map((i) => i.n);
    const { state } = await replayKey(tally, store, key);
    expect(state.seen).toEqual(expected);
    const mine = out.filter((o) => o.key === key).sort((a, b) => a.count - b.count);
    expect(mine.map((o) => [o.count, o.n])).toEqual(expected.map((n, i) => [i + 1, n]));
  }
}

describe("Stage over JetStream with acks: 'none'", () => {
  it('processes each input once, and a restarted stage resumes from the committed watermark', async () => {
    const partitions = 2;
    const { name, input } = await topics(partitions);
    const store = new MemoryStore();
    const inputs = Array.from({ length: 60 }, (_, n) => ({ key: `k${n % 6}`, n }));
    const first = await instance(name, input, store, [0, 1]);
    await first.stage.start();
    await append(first.log, input, inputs.slice(0, 30));
    await until(
      'the first 30 inputs committed',
      async () => (await outputs(first.log, name, partitions)).length === 30,
    );
    await first.stage.stop();
    const watermarks = new Map(first.stage.watermarks());
    expect(first.log.calls.every((c) => c.options.acks === 'none')).toBe(true);
    expect([...watermarks.keys()].sort()).toEqual([0, 1]);

    const second = await instance(name, input, store, [0, 1]);
    await second.stage.start();
    await until('both partitions consumed again', () => second.log.calls.length === 2);
    for (const call of second.log.calls) {
      expect(call.options).toMatchObject({
        acks: 'none',
        fromSeq: (watermarks.get(call.partition) ?? 0) + 1,
      });
    }
    await append(second.log, input, inputs.slice(30));
    await until(
      'all 60 inputs committed',
      async () => (await outputs(second.log, name, partitions)).length >= 60,
    );
    await second.stage.stop();
    // Nothing at or below the watermark was read again: acks were never needed to know where to start.
    for (const call of second.log.calls) {
      const watermark = watermarks.get(call.partition) ?? 0;
      expect(call.handed.length).toBeGreaterThan(0);
      expect(call.handed.filter((seq) => seq <= watermark)).toEqual([]);
    }
    await expectExactlyOnce(second.log, store, name, partitions, inputs);
  });

  it('after a crash, re-reads from the watermark and skips per key what was already applied', async () => {
    const { name, input } = await topics(1);
    const store = new MemoryStore();
    // k0's first input holds the watermark down while every other key runs ahead of it.
    const inputs = Array.from({ length: 24 }, (_, n) => ({ key: `k${n % 4}`, n }));
    let open: () => void = () => {};
    gates.set(
      0,
      new Promise<void>((resolve) => {
        open = resolve;
      }),
    );
    const first = await instance(name, input, store, [0]);
    await first.stage.start();
    const seqOf = await append(first.log, input, inputs);
    const others = inputs.filter((i) => i.key !== 'k0');
    await until('every other key committed', async () => {
      for (const key of ['k1', 'k2', 'k3']) {
        const last = Math.max(...others.filter((i) => i.key === key).map((i) => seqOf.get(i.n) ?? 0));
        if ((await store.load(tally.name, key, name, 0)).lastAppliedSeq !== last) return false;
      }
      return true;
    });
    const watermark = first.stage.watermarks().get(0) ?? 0;
    expect(watermark).toBeLessThan(seqOf.get(0) ?? 0);
    crash(first.stage);
    open();

    const second = await instance(name, input, store, [0]);
    await second.stage.start();
    await until(
      'all inputs committed',
      async () => (await outputs(second.log, name, 1)).length >= inputs.length,
    );
    await second.stage.stop();
    const [call] = second.log.calls;
    expect(call?.options).toMatchObject({ acks: 'none', fromSeq: watermark + 1 });
    // It was handed again inputs the other keys had applied before the crash...
    const reread = others.map((i) => seqOf.get(i.n) ?? 0).filter((seq) => call?.handed.includes(seq));
    expect(reread.length).toBe(others.length);
    // ...and applied none of them twice.
    await expectExactlyOnce(second.log, store, name, 1, inputs);
    gates.delete(0);
  });
});
