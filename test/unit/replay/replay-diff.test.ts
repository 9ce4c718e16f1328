import { firstValueFrom } from 'rxjs';
import { take, toArray } from 'rxjs/operators';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { from } from '../../../core/pipeline/flow.ts';
import { pipeline } from '../../../core/pipeline/pipeline.ts';
import { actor } from '../../../core/pipeline/steps.ts';
import { replayDiff } from '../../../core/replay/replay-diff.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';

type State = { total: number };
type Added = { type: 'Added'; amount: number; rate: number };
let calls = 0;

/** v1: each input asks "outside" for a rate once (a recorded step), and adds amount × rate. */
function ledger(version: 'v1' | 'v2' | 'v3') {
  return defineActor({
    name: 'replay-ledger',
    initial: (): State => ({ total: 0 }),
    decide: async (_s: State, input: { amount: number }, ctx) => {
      const rate = await ctx.run('rate', async () => {
        calls++;
        return 3;
      });
      // v3 asks for a second step that the record does not have.
      if (version === 'v3') await ctx.run('fee', async () => 1);
      ctx.emit({ amount: input.amount });
      // v2 books big amounts twice: a deliberate change of behaviour.
      const amount = version === 'v2' && input.amount >= 7 ? input.amount * 2 : input.amount;
      return [{ type: 'Added' as const, amount, rate }];
    },
    evolve: (s: State, e: Added): State => ({ total: s.total + e.amount * e.rate }),
    snapshot: { every: 4, keep: 2 },
  });
}

describe('replayDiff: the recorded inputs against the current code', () => {
  it('finds nothing for the same code, names the keys a change touches, and reports a step the record lacks', async () => {
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'rl.in', partitions: 2 });
    const running = pipeline(
      { name: 'replay-ledger', log, store },
      from('rl.in', z.object({ amount: z.number() })).pipe(actor(ledger('v1'))),
    );
    const amounts: Record<string, number[]> = { a: [1, 2, 3], b: [4, 8, 1], c: [9, 9], d: [2, 2, 2, 2, 2] };
    const total = Object.values(amounts).flat().length;
    const done = firstValueFrom(running.pipe(take(total), toArray()));
    await running.start();
    let n = 0;
    for (const [key, list] of Object.entries(amounts))
      for (const amount of list)
        await log.append('rl.in', {
          key,
          msgId: `m${n++}`,
          payload: new TextEncoder().encode(JSON.stringify({ amount })),
        });
    await done;
    await running.stop();
    const recordedCalls = calls;
    const decode = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as { amount: number };
    const o = { log, store, input: 'rl.in', decode };

    const same = await replayDiff(ledger('v1'), o);
    expect(same).toMatchObject({ same: 4, changed: 0, diverged: 0 });
    expect(same.keys.map((k) => [k.key, k.inputs]).sort()).toEqual([
      ['a', 3],
      ['b', 3],
      ['c', 2],
      ['d', 5],
    ]);

    const changed = await replayDiff(ledger('v2'), o);
    expect(changed).toMatchObject({ same: 2, changed: 2, diverged: 0 });
    const b = changed.keys.find((k) => k.key === 'b');
    expect(b?.status).toBe('changed');
    if (b?.status === 'changed') {
      expect(b.differences).toEqual([
        {
          kind: 'events',
          inputSeq: expect.any(Number),
          actor: 'replay-ledger',
          recorded: [{ type: 'Added', amount: 8, rate: 3 }],
          replayed: [{ type: 'Added', amount: 16, rate: 3 }],
        },
        { kind: 'state', actor: 'replay-ledger', recorded: { total: 39 }, replayed: { total: 63 } },
      ]);
    }
    expect(
      changed.keys
        .filter((k) => k.status === 'changed')
        .map((k) => k.key)
        .sort(),
    ).toEqual(['b', 'c']);

    const diverged = await replayDiff(ledger('v3'), { ...o, keys: ['a'] });
    expect(diverged.keys).toEqual([
      {
        key: 'a',
        status: 'diverged',
        inputs: 3,
        inputSeq: expect.any(Number),
        reason: 'asks for run(fee) at step 1, which the record does not have',
      },
    ]);
    // No step was run again: every rate came from the record.
    expect(calls).toBe(recordedCalls);
  });
});
