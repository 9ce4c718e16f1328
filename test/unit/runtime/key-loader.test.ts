import { describe, expect, it } from 'vitest';
import { KeyLoader } from '../../../core/runtime/key-loader.ts';
import type { ActorRecord } from '../../../core/store/store.ts';

const record = (key: string): ActorRecord => ({
  snapshot: undefined,
  events: [],
  lastAppliedSeq: key.length,
  timerSerial: 0,
});

describe('KeyLoader: the keys a partition meets, loaded in batches', () => {
  it('sends the keys asked in one turn together, at most maxKeys a batch and maxInFlight batches at once', async () => {
    const batches: string[][] = [];
    const gates: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const loader = new KeyLoader(
      async (keys) => {
        batches.push([...keys]);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        return keys.map((k) => [record(k)]);
      },
      { maxKeys: 3, maxInFlight: 2 },
    );
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'a'];
    const loaded = Promise.all(keys.map((k) => loader.load(k)));
    await new Promise((resolve) => setImmediate(resolve));
    // Two batches on their way, the third waits: 'a' asked twice is loaded once.
    expect(batches).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
    while (gates.length > 0) {
      gates.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(batches.at(-1)).toEqual(['g']);
    expect(most).toBe(2);
    expect((await loaded).map((r) => r[0]?.lastAppliedSeq)).toEqual(keys.map((k) => k.length));
  });

  it('fails the keys of a failed batch only, and goes on with the next', async () => {
    let calls = 0;
    const loader = new KeyLoader(
      async (keys) => {
        if (calls++ === 0) throw new Error('store away');
        return keys.map((k) => [record(k)]);
      },
      { maxKeys: 2, maxInFlight: 1 },
    );
    const results = await Promise.allSettled(['a', 'b', 'cc'].map((k) => loader.load(k)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toBe('Error: store away');
    expect((results[2] as PromiseFulfilledResult<readonly ActorRecord[]>).value[0]?.lastAppliedSeq).toBe(2);
  });
});
