import { delay, filter, map, mergeMap, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import type { Committed } from '../../core/pipeline/committed.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { actor, keyBy, to } from '../../core/pipeline/steps.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { Json } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const Review = z.object({ product: z.string(), stars: z.number(), text: z.string() });
type Review = z.infer<typeof Review>;

/** Keeps a running score per product and emits it. */
const scorer = defineActor({
  name: 'scorer',
  initial: () => ({ reviews: 0, stars: 0 }),
  decide: (s: { reviews: number; stars: number }, r: { stars: number; text: string }, ctx) => {
    ctx.emit({ product: ctx.key, reviews: s.reviews + 1, stars: s.stars + r.stars, text: r.text });
    return [{ type: 'Scored' as const, stars: r.stars }];
  },
  evolve: (s, e: { type: 'Scored'; stars: number }) => ({ reviews: s.reviews + 1, stars: s.stars + e.stars }),
});

async function setup(records: readonly { key: string; value: Json | string }[], partitions = 2) {
  const log = new MemoryLog();
  const store = new MemoryStore();
  await log.ensureTopic({ subject: 'reviews', partitions });
  for (const [i, r] of records.entries()) {
    const body = typeof r.value === 'string' ? r.value : JSON.stringify(r.value);
    await log.append('reviews', { key: r.key, payload: encoder.encode(body), msgId: `r${i}` });
  }
  return { log, store };
}

async function read(log: MemoryLog, subject: string): Promise<{ key: string; value: Json }[]> {
  const out: { key: string; value: Json }[] = [];
  for (let p = 0; p < (await log.partitions(subject)); p++) {
    for await (const e of log.read(subject, p, 1))
      out.push({ key: e.key, value: JSON.parse(decoder.decode(e.payload)) });
  }
  return out;
}

const review = (product: string, stars: number, text = 'fine'): { key: string; value: Review } => ({
  key: product,
  value: { product, stars, text },
});

describe('pipeline(): an RxJS chain, exactly once', () => {
  it('runs filter, map, an actor and a sink, and hands out what it published', async () => {
    const { log, store } = await setup([review('a', 5), review('b', 1, ''), review('a', 3), review('b', 4)]);
    const running = pipeline(
      { name: 'voc', log, store, commitIntervalMs: 1 },
      from('reviews', Review).pipe(
        filter((r) => r.text !== ''),
        map((r) => ({ stars: r.stars, text: r.text.toUpperCase() })),
        actor(scorer),
        to('scores'),
      ),
    );
    const seen: Committed<unknown>[] = [];
    running.subscribe((c) => seen.push(c));
    expect(
      await waitUntil(async () => seen.length === 3, { timeoutMs: 5_000, intervalMs: 5 }),
    ).toBeUndefined();
    await running.stop();
    const scores = await read(log, 'scores');
    expect(scores.sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)))).toEqual([
      { key: 'a', value: { product: 'a', reviews: 1, stars: 5, text: 'FINE' } },
      { key: 'a', value: { product: 'a', reviews: 2, stars: 8, text: 'FINE' } },
      { key: 'b', value: { product: 'b', reviews: 1, stars: 4, text: 'FINE' } },
    ]);
    expect(seen.every((c) => c.subject === 'scores' && Object.isFrozen(c.value))).toBe(true);
    // The dropped record is done too: both partitions' watermarks passed every input.
    expect([...running.watermarks().values()].reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('splits a record into several, each applied once, and waits for an asynchronous step', async () => {
    const { log, store } = await setup([review('a', 2, 'x y z'), review('a', 1, ''), review('b', 4, 'w')]);
    const running = pipeline(
      { name: 'split', log, store, commitIntervalMs: 1 },
      from('reviews', Review).pipe(
        mergeMap((r) =>
          r.text
            .split(' ')
            .filter((w) => w !== '')
            .map((w) => ({ stars: r.stars, text: w })),
        ),
        mergeMap((r) => of(r).pipe(delay(5))),
        actor(scorer),
        to('words'),
      ),
    );
    running.subscribe();
    await running.start();
    expect(
      await waitUntil(async () => (await read(log, 'words')).length === 4, {
        timeoutMs: 5_000,
        intervalMs: 5,
      }),
    ).toBeUndefined();
    await running.stop();
    const words = await read(log, 'words');
    expect(words.filter((w) => w.key === 'a').map((w) => (w.value as { text: string }).text)).toEqual([
      'x',
      'y',
      'z',
    ]);
    expect((await store.journal('scorer', 'a')).length).toBe(3);
  });

  it('dead-letters an input whose per-record step fails, and nothing of it is applied', async () => {
    const { log, store } = await setup([review('a', 1), review('a', 0), review('a', 2)]);
    const running = pipeline(
      { name: 'steps', log, store, commitIntervalMs: 1 },
      from('reviews', Review).pipe(
        mergeMap((r) => [r, r]),
        map((r) => {
          if (r.stars === 0) throw new RangeError('no stars');
          return r;
        }),
        actor(scorer),
        to('scores'),
      ),
    );
    const letters: Committed<unknown>[] = [];
    running.deadLetters$.subscribe((d) => letters.push(d));
    running.subscribe();
    expect(
      await waitUntil(async () => letters.length === 1, { timeoutMs: 5_000, intervalMs: 5 }),
    ).toBeUndefined();
    await running.stop();
    expect(letters[0]?.value).toMatchObject({ phase: 'step', reason: 'RangeError: no stars', key: 'a' });
    expect((await store.journal('scorer', 'a')).map((e) => e.data)).toEqual([
      { type: 'Scored', stars: 1 },
      { type: 'Scored', stars: 1 },
      { type: 'Scored', stars: 2 },
      { type: 'Scored', stars: 2 },
    ]);
  });

  it('chains two actors in one commit and publishes to two subjects', async () => {
    const alerts = defineActor({
      name: 'alerts',
      initial: () => ({ sent: 0 }),
      decide: (_s: { sent: number }, score: { stars: number; reviews: number }, ctx) => {
        if (score.stars / score.reviews < 3) ctx.emit({ alert: `low score for ${ctx.key}` });
        return [{ type: 'Checked' as const }];
      },
      evolve: (s: { sent: number }) => s,
    });
    const { log, store } = await setup([review('a', 1), review('a', 5), review('b', 5)]);
    const running = pipeline(
      { name: 'chain', log, store, commitIntervalMs: 1 },
      from('reviews', Review).pipe(actor(scorer), to('scores'), actor(alerts), to('alerts')),
    );
    running.subscribe();
    await running.start();
    expect(
      await waitUntil(async () => (await read(log, 'scores')).length === 3, {
        timeoutMs: 5_000,
        intervalMs: 5,
      }),
    ).toBeUndefined();
    await running.stop();
    expect(await read(log, 'alerts')).toEqual([{ key: 'a', value: { alert: 'low score for a' } }]);
    // Both actors' events for an input are in one commit: same input seqs, each once.
    const seqs = async (actorName: string, key: string) =>
      (await store.journal(actorName, key)).map((e) => e.inputSeq);
    expect(await seqs('alerts', 'a')).toEqual(await seqs('scorer', 'a'));
  });

  it('re-keys through a keyBy hop, exactly once, to an actor keyed by the new key', async () => {
    const perStars = defineActor({
      name: 'per-stars',
      initial: () => ({ products: [] as string[] }),
      decide: (s: { products: string[] }, r: Review, ctx) => {
        ctx.emit({ stars: ctx.key, products: [...s.products, r.product] });
        return [{ type: 'Seen' as const, product: r.product }];
      },
      evolve: (s, e: { type: 'Seen'; product: string }) => ({ products: [...s.products, e.product] }),
    });
    const { log, store } = await setup([review('a', 5), review('b', 5), review('c', 1), review('d', 5)]);
    const running = pipeline(
      { name: 'rekey', log, store, commitIntervalMs: 1 },
      from('reviews', Review).pipe(
        keyBy((r) => `stars-${r.stars}`),
        actor(perStars),
        to('by-stars'),
      ),
    );
    const seen: Committed<Json>[] = [];
    running.subscribe((c) => seen.push(c));
    expect(
      await waitUntil(async () => seen.length === 4, { timeoutMs: 10_000, intervalMs: 5 }),
    ).toBeUndefined();
    await running.stop();
    expect(running.subjects).toEqual({
      inputs: ['reviews', 'rekey.keyby-1'],
      outputs: ['rekey.keyby-1', 'by-stars'],
    });
    const five = (await store.journal('per-stars', 'stars-5')).map(
      (e) => (e.data as { product: string }).product,
    );
    expect(five.sort()).toEqual(['a', 'b', 'd']);
    expect((await store.journal('per-stars', 'stars-1')).length).toBe(1);
    expect(seen.map((c) => c.key).sort()).toEqual(['stars-1', 'stars-5', 'stars-5', 'stars-5']);
  });

  it('hands out committed results when the chain does not end in a sink, and restarts exactly once', async () => {
    const { log, store } = await setup(
      Array.from({ length: 20 }, (_, i) => review(`p${i % 4}`, (i % 5) + 1)),
    );
    const flow = from('reviews', Review).pipe(actor(scorer));
    const first = pipeline({ name: 'results', log, store, commitIntervalMs: 1, partitions: [0, 1] }, flow);
    const results = await new Promise<Committed<unknown>[]>((resolve) => {
      const got: Committed<unknown>[] = [];
      first.subscribe((c) => {
        got.push(c);
        if (got.length === 20) resolve(got);
      });
    });
    await first.stop();
    expect(results.map((r) => r.subject)).toEqual(new Array(20).fill(undefined));
    // A second run of the same pipeline has nothing left to do: every input was applied once.
    const second = pipeline({ name: 'results', log, store, commitIntervalMs: 1, partitions: [0, 1] }, flow);
    const more = second.pipe(toArray());
    const collected = more.toPromise();
    await second.start();
    await second.stop();
    expect(await collected).toEqual([]);
    for (const key of ['p0', 'p1', 'p2', 'p3']) expect((await store.journal('scorer', key)).length).toBe(5);
  });

  it("fans out from inside an actor with ctx.emit(payload, { subject }), in the actor's commit", async () => {
    const watcher = defineActor({
      name: 'watcher',
      emitsTo: ['alerts'],
      initial: () => ({ low: 0 }),
      decide: (s: { low: number }, r: { stars: number; text: string }, ctx) => {
        if (r.text === 'elsewhere') ctx.emit({ stray: true }, { subject: 'nowhere' });
        ctx.emit(r);
        if (r.stars > 1) return [];
        ctx.emit({ product: ctx.key, low: s.low + 1 }, { subject: 'alerts', headers: { severity: 'high' } });
        return [{ type: 'Low' as const }];
      },
      evolve: (s, _e: { type: 'Low' }) => ({ low: s.low + 1 }),
    });
    const { log, store } = await setup([
      review('a', 1),
      review('b', 5),
      review('a', 2, 'elsewhere'),
      review('a', 1),
    ]);
    const running = pipeline(
      { name: 'fan', log, store, commitIntervalMs: 1 },
      from('reviews', Review).pipe(actor(watcher), actor(scorer), to('scores')),
    );
    expect(running.subjects.outputs).toEqual(expect.arrayContaining(['alerts', 'scores']));
    const letters: Committed<unknown>[] = [];
    running.deadLetters$.subscribe((d) => letters.push(d));
    const seen: Committed<unknown>[] = [];
    running.subscribe((c) => seen.push(c));
    expect(
      await waitUntil(async () => seen.length === 3 && letters.length === 1, {
        timeoutMs: 5_000,
        intervalMs: 5,
      }),
    ).toBeUndefined();
    await running.stop();
    // An alert goes to its subject only, not on to the next actor; the stray emit dead-letters its record.
    expect(await read(log, 'alerts')).toEqual([
      { key: 'a', value: { product: 'a', low: 1 } },
      { key: 'a', value: { product: 'a', low: 2 } },
    ]);
    const [alert] = await log
      .read('alerts', 0, 1)
      .next()
      .then((r) => (r.done ? [] : [r.value]));
    expect(alert?.headers).toMatchObject({ severity: 'high' });
    expect(letters[0]?.value).toMatchObject({
      phase: 'decide',
      key: 'a',
      reason: expect.stringMatching(/"nowhere", which is not in its emitsTo/),
    });
    expect((await read(log, 'scores')).map((s) => s.key).sort()).toEqual(['a', 'a', 'b']);
    expect((await store.journal('watcher', 'a')).map((e) => e.data)).toEqual([
      { type: 'Low' },
      { type: 'Low' },
    ]);
  });

  it('names the failing actor in the dead letter, not the first one of the chain', async () => {
    const picky = defineActor({
      name: 'picky',
      initial: () => ({}),
      decide: (_s: Json, r: { stars: number }) => {
        if (r.stars === 0) throw new RangeError('no stars');
        return [];
      },
      evolve: (s) => s,
    });
    const { log, store } = await setup([review('a', 0)]);
    const running = pipeline(
      { name: 'named', log, store, commitIntervalMs: 1 },
      from('reviews', Review).pipe(
        actor(scorer),
        map(() => ({ stars: 0 })),
        actor(picky),
      ),
    );
    const letters: Committed<unknown>[] = [];
    running.deadLetters$.subscribe((d) => letters.push(d));
    running.subscribe();
    expect(
      await waitUntil(async () => letters.length === 1, { timeoutMs: 5_000, intervalMs: 5 }),
    ).toBeUndefined();
    await running.stop();
    expect(letters[0]?.value).toMatchObject({
      phase: 'decide',
      actor: 'picky',
      reason: 'RangeError: no stars',
    });
  });

  it('refuses the same actor twice, and steps used outside a pipeline', () => {
    const log = new MemoryLog();
    const store = new MemoryStore();
    expect(() =>
      pipeline({ name: 'twice', log, store }, from('x').pipe(actor(scorer), actor(scorer))),
    ).toThrow(/appears twice/);
    expect(() =>
      of(1)
        .pipe(to('x') as never)
        .subscribe(),
    ).toThrow(/is a pipeline step/);
  });
});
