import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import type { Logger } from '../../core/logger.ts';
import { replayKey } from '../../core/replay/replay-key.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { Json, PartitionClaim } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';
import { RecordingLogger } from '../support/recording-logger.ts';

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

class CountingStore extends MemoryStore {
  claims = 0;
  override async claim(stage: string, partition: number, owner: string): Promise<PartitionClaim> {
    this.claims++;
    return super.claim(stage, partition, owner);
  }
}

interface DeadLetter {
  readonly stage: string;
  readonly actor: string;
  readonly phase: string;
  readonly reason: string;
  readonly source: {
    readonly subject: string;
    readonly partition: number;
    readonly seq: number;
    readonly id: string;
    readonly payloadPrefixBase64: string;
  };
}

type Total = { readonly total: number };
type Added = { readonly type: 'Added'; readonly amount: number };

const adder = defineActor({
  name: 'adder',
  initial: (): Total => ({ total: 0 }),
  decide: (state: Total, input: { amount: number }, ctx) => {
    if (input.amount < 0) throw new RangeError('negative amounts are refused');
    ctx.emit({ total: state.total + input.amount });
    return [{ type: 'Added', amount: input.amount }] satisfies Added[];
  },
  evolve: (s: Total, e: Added): Total => ({ total: s.total + e.amount }),
});

describe('Stage dead letters (memory log, memory store)', () => {
  it('dead-letters each bad input once with its reason and bytes, and the key goes on', async () => {
    const log = new MemoryLog();
    const store = new CountingStore();
    await log.ensureTopic({ subject: 'adds', partitions: 1 });
    const errors: object[] = [];
    const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (o) => errors.push(o) };
    const bad = {
      json: encoder.encode('{"amount": 1'),
      utf8: new Uint8Array([0x7b, 0xff, 0x7d]),
      schema: encoder.encode('{"amount":"three"}'),
      decide: encoder.encode('{"amount":-1}'),
    };
    const inputs = [
      encoder.encode('{"amount":1}'),
      bad.json,
      bad.utf8,
      bad.schema,
      bad.decide,
      encoder.encode('{"amount":2}'),
    ];
    for (const [i, payload] of inputs.entries()) {
      await log.append('adds', { key: 'k', payload, msgId: `in-${i + 1}` });
    }
    const stage = new Stage({
      name: 'adder',
      log,
      store,
      input: 'adds',
      partitions: [0], // claimed outright: this test counts claims
      output: 'totals',
      actor: adder,
      schema: z.object({ amount: z.number() }),
      commitIntervalMs: 1,
      restartDelayMs: 1,
      logger,
    });
    expect(stage.deadLetterSubject).toBe('adder.dead-letter');
    await stage.start();
    await until('every input', () => stage.watermarks().get(0) === inputs.length);
    await until('the outbox published', async () => (await store.outbox('adder', 0)).length === 0);
    await stage.stop();

    const letters: { id: string; headers: Readonly<Record<string, string>>; letter: DeadLetter }[] = [];
    for await (const env of log.read('adder.dead-letter', 0, 1)) {
      letters.push({
        id: env.id,
        headers: env.headers,
        letter: JSON.parse(decoder.decode(env.payload)) as DeadLetter,
      });
    }
    expect(letters.map((l) => l.letter.source.seq)).toEqual([2, 3, 4, 5]);
    expect(new Set(letters.map((l) => l.id)).size).toBe(4);
    const [json, utf8, schema, decide] = letters.map((l) => l.letter);
    expect(json?.reason).toMatch(/^InputDecodeError: record adds#0:2 is not UTF-8 JSON/);
    expect(utf8?.reason).toMatch(/^InputDecodeError: record adds#0:3 is not UTF-8 JSON/);
    expect(schema?.reason).toMatch(/^InputDecodeError: record adds#0:4 does not match the input schema/);
    expect(schema?.reason).toContain('amount');
    expect(decide?.reason).toBe('RangeError: negative amounts are refused');
    expect(letters.map((l) => l.letter.phase)).toEqual(['decode', 'decode', 'decode', 'decide']);
    expect(letters.map((l) => l.headers['Dead-Letter-Phase'])).toEqual([
      'decode',
      'decode',
      'decode',
      'decide',
    ]);
    const originals = [bad.json, bad.utf8, bad.schema, bad.decide];
    for (const [i, { letter }] of letters.entries()) {
      expect(letter).toMatchObject({ stage: 'adder', actor: 'adder' });
      expect(letter.source).toMatchObject({ subject: 'adds', partition: 0, id: `in-${i + 2}` });
      expect(new Uint8Array(Buffer.from(letter.source.payloadPrefixBase64, 'base64'))).toEqual(originals[i]);
    }

    const outputs: Json[] = [];
    for await (const env of log.read('totals', 0, 1)) outputs.push(JSON.parse(decoder.decode(env.payload)));
    expect(outputs).toEqual([{ total: 1 }, { total: 3 }]);
    expect((await replayKey(adder, store, 'k')).state).toEqual({ total: 3 });
    // Bad input is data, not a failure: the partition never restarted.
    expect(store.claims).toBe(1);
    expect(errors).toEqual([]);
  });
});

describe('a state no store keeps', () => {
  // evolve puts a Date into the state: the events are plain JSON, the state is not.
  type Stamped = { readonly n: number; readonly at: Json };
  const stamper = defineActor({
    name: 'stamper',
    initial: (): Stamped => ({ n: 0, at: null }),
    decide: (s: Stamped, _input: unknown, ctx) => {
      ctx.emit({ n: s.n + 1 });
      return [{ type: 'Stamped' as const }];
    },
    evolve: (s: Stamped, _e: { type: 'Stamped' }): Stamped => ({
      n: s.n + 1,
      at: new Date(0) as unknown as Json,
    }),
    snapshot: { every: 2, keep: 1 },
  });

  it('is not snapshotted, says so, and recovers from the journal; the inputs are not dead letters', async () => {
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'stamps', partitions: 1 });
    const logger = new RecordingLogger();
    const registry = new Registry();
    const stage = () =>
      new Stage({
        name: 'stamper',
        log,
        store,
        input: 'stamps',
        output: 'stamped',
        actor: stamper,
        partitions: [0],
        commitIntervalMs: 1,
        logger,
        metrics: registry,
      });
    for (let i = 0; i < 4; i++)
      await log.append('stamps', { key: 'k', payload: encoder.encode('{}'), msgId: `s${i}` });
    const first = stage();
    await first.start();
    await until('four inputs', () => first.watermarks().get(0) === 4);
    await first.stop();
    expect(await store.snapshots('stamper', 'k')).toEqual([]);
    expect(logger.lines.map((l) => l.message)).toContain(
      'state not snapshotted: no store keeps it; recovery replays the journal instead',
    );
    expect(await registry.metrics()).toMatch(/eddy_stage_snapshots_skipped_total\{stage="stamper"\} 2/);
    // A new instance recovers the key from the journal alone and goes on counting.
    await log.append('stamps', { key: 'k', payload: encoder.encode('{}'), msgId: 's4' });
    const second = stage();
    await second.start();
    await until('the fifth input', () => second.watermarks().get(0) === 5);
    await until('the outbox published', async () => (await store.outbox('stamper', 0)).length === 0);
    await second.stop();
    const outputs: Json[] = [];
    for await (const env of log.read('stamped', 0, 1)) outputs.push(JSON.parse(decoder.decode(env.payload)));
    expect(outputs).toEqual([1, 2, 3, 4, 5].map((n) => ({ n })));
    expect(await log.partitions('stamper.dead-letter')).toBe(1);
    for await (const _ of log.read('stamper.dead-letter', 0, 1)) throw new Error('no input is a dead letter');
  });
});
