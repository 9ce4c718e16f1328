import { firstValueFrom } from 'rxjs';
import { take, toArray } from 'rxjs/operators';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { from } from '../../../core/pipeline/flow.ts';
import { pipeline } from '../../../core/pipeline/pipeline.ts';
import { actor, to } from '../../../core/pipeline/steps.ts';
import { inspectKey } from '../../../core/replay/inspect-key.ts';
import { replayKey } from '../../../core/replay/replay-key.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';

type State = { total: number; seen: number[] };
type Added = { type: 'Added'; amount: number; rate: number };

/** Each input: one recorded step (an exchange rate from "outside") and one event; a snapshot every 3 versions. */
const ledger = defineActor({
  name: 'ledger',
  initial: (): State => ({ total: 0, seen: [] }),
  decide: async (_s: State, input: { amount: number }, ctx) => {
    const rate = await ctx.run('rate', async () => 2);
    ctx.emit({ amount: input.amount });
    return [{ type: 'Added' as const, amount: input.amount, rate }];
  },
  evolve: (s: State, e: Added): State => ({
    total: s.total + e.amount * e.rate,
    seen: [...s.seen, e.amount],
  }),
  snapshot: { every: 3, keep: 5 },
});

describe('inspectKey: a key as it was at a past version', () => {
  it('gives the state at each version: the newest snapshot at or below it, folded with the journal after it', async () => {
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'ledger.in', partitions: 1 });
    const running = pipeline(
      { name: 'ledger', log, store },
      from('ledger.in', z.object({ amount: z.number() })).pipe(actor(ledger), to('ledger.out')),
    );
    const amounts = [5, 1, 7, 3, 9, 2, 8];
    const done = firstValueFrom(running.pipe(take(amounts.length), toArray()));
    await running.start();
    for (const [i, amount] of amounts.entries())
      await log.append('ledger.in', {
        key: 'k',
        msgId: `m${i}`,
        payload: new TextEncoder().encode(JSON.stringify({ amount })),
      });
    await done;
    await running.stop();

    const journal = await store.journal('ledger', 'k');
    const latest = await inspectKey(ledger, store, 'k');
    expect(latest.version).toBe(journal.at(-1)?.version);
    expect(latest.state).toEqual((await replayKey(ledger, store, 'k')).state);
    expect(latest.snapshots.length).toBeGreaterThan(0);
    for (let v = 0; v <= latest.latest; v++) {
      // The reference: the journal's own events up to v, folded from the initial state (no snapshot).
      const upTo = journal.filter((e) => e.version <= v && e.type === 'Added');
      const want = upTo.reduce(
        (s, e) => ledger.evolve(s, { ...(e.data as Added), rate: 2 }),
        ledger.initial('k'),
      );
      const at = await inspectKey(ledger, store, 'k', { at: v });
      expect(at.version).toBe(v);
      expect(at.state, `version ${v}`).toEqual(want);
      expect(at.journal.map((e) => e.version)).toEqual(
        journal.filter((e) => e.version <= v).map((e) => e.version),
      );
      if (at.fromSnapshot !== null) expect(at.fromSnapshot).toBeLessThanOrEqual(v);
    }
    const mid = await inspectKey(ledger, store, 'k', { at: 8 });
    expect(mid.fromSnapshot).not.toBeNull();
    expect(mid.steps.every((s) => s.name === 'rate' && s.result === 2)).toBe(true);
    expect(mid.journal.filter((e) => e.step === 'rate')).toHaveLength(mid.steps.length);
    expect(mid.state.seen).toEqual(amounts.slice(0, mid.journal.filter((e) => e.type === 'Added').length));
  });

  it('finds the version of an event time, and shows the initial state before the first event', async () => {
    const store = new MemoryStore();
    const empty = await inspectKey(ledger, store, 'nobody');
    expect(empty).toMatchObject({ version: 0, latest: 0, state: { total: 0, seen: [] }, journal: [] });
    expect((await inspectKey(ledger, store, 'nobody', { time: Date.now() })).version).toBe(0);
  });
});
