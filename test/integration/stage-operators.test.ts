import { lastValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { jsonDecoder } from '../../core/codec/json-decoder.ts';
import { FencedError } from '../../core/errors/fenced-error.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { runPartition } from '../../core/operators/run-partition.ts';
import { sink } from '../../core/operators/sink.ts';
import { source } from '../../core/operators/source.ts';
import { type AnyActor, actorProgram } from '../../core/runtime/program.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { Json } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Count = { readonly n: number };
type Counted = { readonly type: 'Counted'; readonly word: string };

const counter = defineActor({
  name: 'words',
  initial: (): Count => ({ n: 0 }),
  decide: (state: Count, input: { word: string }, ctx) => {
    ctx.emit({ word: input.word, n: state.n + 1 });
    return [{ type: 'Counted', word: input.word }] satisfies Counted[];
  },
  evolve: (s: Count): Count => ({ n: s.n + 1 }),
});

async function setup(words: readonly string[]): Promise<{ log: MemoryLog; store: MemoryStore }> {
  const log = new MemoryLog();
  const store = new MemoryStore();
  await store.migrate();
  await log.ensureTopic({ subject: 'words.in', partitions: 1 });
  await log.ensureTopic({ subject: 'words.out', partitions: 1 });
  for (const [i, word] of words.entries()) {
    await log.append('words.in', {
      key: 'k',
      payload: encoder.encode(JSON.stringify({ word })),
      msgId: `in-${i}`,
    });
  }
  return { log, store };
}

const runtimeOptions = {
  stage: 'words',
  deadLetterSubject: 'words.dead-letter',
  commitIntervalMs: 1,
};
const program = actorProgram(counter as unknown as AnyActor, jsonDecoder<{ word: string }>(), 'words.out');

describe('source, runPartition and sink composed by hand', () => {
  it('publishes leftover and new outputs in order and empties the outbox', async () => {
    const words = ['a', 'b', 'c', 'd', 'e'];
    const { log, store } = await setup(words);
    // An earlier owner committed an output and died before publishing it.
    const earlier = await store.claim('words', 0, 'earlier');
    await store.commit({
      stage: 'words',
      partition: 0,
      epoch: earlier.epoch,
      events: [],
      snapshots: [],
      keepSnapshots: 1,
      outbox: [
        {
          stage: 'words',
          partition: 0,
          msgId: 'leftover',
          subject: 'words.out',
          key: 'k',
          payload: { leftover: true },
          headers: {},
          originSeq: 0,
          eventTime: 0,
          position: 7,
        },
      ],
      progress: [],
      timersSet: [],
      timersDeleted: [],
    });

    const claim = await store.claim('words', 0, 'me');
    const events = await lastValueFrom(
      source(log, 'words.in', 0, { durable: 'words', fromSeq: claim.watermark + 1 }).pipe(
        take(words.length),
        runPartition(program, { ...runtimeOptions, claim, store }),
        sink(log, store),
        toArray(),
      ),
    );
    const published = events.flatMap((e) => (e.kind === 'published' ? [e.row] : []));
    // Every commit reports its watermark; the last one covers every input.
    expect(events.filter((e) => e.kind === 'committed').at(-1)).toEqual({
      kind: 'committed',
      partition: 0,
      watermark: words.length,
      eventTimeWatermark: expect.any(Number),
      keys: { active: expect.any(Number), passivated: 0 },
    });

    expect(published.map((r) => r.msgId)).toEqual(['leftover', ...words.map((_, i) => `words:0:${i + 1}:0`)]);
    // New rows are placed after the leftover one.
    expect(published.slice(1).every((r) => r.position > 7)).toBe(true);
    const out: [string, Json][] = [];
    for await (const env of log.read('words.out', 0, 1))
      out.push([env.id, JSON.parse(decoder.decode(env.payload))]);
    expect(out).toEqual([
      ['leftover', { leftover: true }],
      ...words.map((word, i): [string, Json] => [`words:0:${i + 1}:0`, { word, n: i + 1 }]),
    ]);
    expect(await store.outbox('words', 0)).toEqual([]);
    expect((await store.journal('words', 'k')).map((e) => e.data)).toEqual(
      words.map((word) => ({ type: 'Counted', word })),
    );
    // The drain on completion committed the watermark: the next owner starts after the last input.
    expect((await store.claim('words', 0, 'next')).watermark).toBe(words.length);
  });

  it('errors with FencedError once another owner claimed the partition', async () => {
    const { log, store } = await setup([]);
    const claim = await store.claim('words', 0, 'me');
    let failure: unknown;
    const subscription = source(log, 'words.in', 0, { durable: 'words', fromSeq: claim.watermark + 1 })
      .pipe(runPartition(program, { ...runtimeOptions, claim, store }), sink(log, store))
      .subscribe({ error: (error: unknown) => (failure = error) });
    await store.claim('words', 0, 'thief');
    await log.append('words.in', { key: 'k', payload: encoder.encode('{"word":"x"}'), msgId: 'late' });
    expect(
      await waitUntil(async () => failure !== undefined, { timeoutMs: 5_000, intervalMs: 2 }),
    ).toBeUndefined();
    subscription.unsubscribe();
    expect(failure).toBeInstanceOf(FencedError);
    expect((failure as FencedError).epoch).toBe(claim.epoch);
    expect(await store.journal('words', 'k')).toEqual([]);
    expect(await store.outbox('words', 0)).toEqual([]);
    const out: unknown[] = [];
    for await (const env of log.read('words.out', 0, 1)) out.push(env);
    expect(out).toEqual([]);
  });
});
