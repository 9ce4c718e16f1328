import { map } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineActor } from '../../core/actor/actor-definition.ts';
import type { Committed } from '../../core/pipeline/committed.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import { actor, to } from '../../core/pipeline/steps.ts';
import type { Json } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';
import { Review, read, review, scorer, setup } from './pipeline-fixtures.ts';

describe('pipeline(): several actors and fan-out', () => {
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
});
