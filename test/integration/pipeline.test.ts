import { delay, filter, map, mergeMap, of, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import type { Committed } from '../../core/pipeline/committed.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { actor, keyBy, to } from '../../core/pipeline/steps.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { CommitBatch, Json } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';
import { encoder, Review, read, review, scorer, setup } from './pipeline-fixtures.ts';

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

/** MemoryStore, observed: the outbox ids each commit deleted, and those deleted by statements of their own. */
class DeleteObservingStore extends MemoryStore {
  readonly byCommit: string[] = [];
  readonly byStatement: string[] = [];

  override async commit(batch: CommitBatch): Promise<void> {
    await super.commit(batch);
    this.byCommit.push(...(batch.outboxDeleted ?? []));
  }

  override async deleteOutbox(stage: string, partition: number, msgIds: readonly string[]): Promise<void> {
    await super.deleteOutbox(stage, partition, msgIds);
    this.byStatement.push(...msgIds);
  }
}

describe('published outbox rows', () => {
  it('are deleted by the next commit while inputs keep coming, and by a statement once the partition is idle', async () => {
    const { log } = await setup([]);
    const store = new DeleteObservingStore();
    // Published rows wait three commit intervals (60 ms) for a commit: each wave's commit comes well within that.
    const running = pipeline(
      { name: 'voc', log, store, commitIntervalMs: 20 },
      from('reviews', Review).pipe(actor(scorer), to('scores')),
    );
    const published: string[] = [];
    running.subscribe((c) => published.push(c.msgId ?? 'no msg id'));
    await running.start();
    const waves = 20;
    for (let wave = 0; wave < waves; wave++) {
      for (let i = 0; i < 10; i++) {
        const body = JSON.stringify({ product: `p${i}`, stars: 3, text: 'ok' });
        await log.append('reviews', { key: `p${i}`, payload: encoder.encode(body), msgId: `w${wave}-${i}` });
      }
      expect(
        await waitUntil(async () => published.length === (wave + 1) * 10, {
          timeoutMs: 5_000,
          intervalMs: 2,
        }),
      ).toBeUndefined();
    }
    // Idle now: what no commit took goes by a statement of its own, soon.
    const empty = async () =>
      (await store.outbox('voc', 0)).length + (await store.outbox('voc', 1)).length === 0;
    expect(await waitUntil(empty, { timeoutMs: 5_000, intervalMs: 10 })).toBeUndefined();
    await running.stop();
    const deleted = [...store.byCommit, ...store.byStatement];
    expect(new Set(deleted)).toEqual(new Set(published));
    expect(deleted).toHaveLength(published.length);
    // Each wave's commits delete the rows the wave before published.
    expect(store.byCommit.length).toBeGreaterThan(published.length / 2);
    expect(store.byStatement.length).toBeGreaterThan(0);
  });
});
