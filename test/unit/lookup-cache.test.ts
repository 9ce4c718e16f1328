import { describe, expect, it } from 'vitest';
import { LookupCache } from '../../core/lookup/lookup-cache.ts';

describe('LookupCache', () => {
  it('keeps the most recently used answers, values and misses for their own TTLs', () => {
    let now = 0;
    const cache = new LookupCache<number>({ maxEntries: 2, ttlMs: 100, missingTtlMs: 10, now: () => now });
    cache.set('a', { found: true, value: 1 });
    cache.set('b', { found: false });
    expect(cache.get('a')).toEqual({ found: true, value: 1 }); // a is now the most recent
    cache.set('c', { found: true, value: 3 }); // b goes
    expect(cache.get('b')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.set('m', { found: false });
    now = 11;
    expect(cache.get('m')).toBeUndefined(); // a miss lives 10 ms
    expect(cache.get('c')).toEqual({ found: true, value: 3 });
    now = 200;
    expect(cache.get('c')).toBeUndefined(); // a value lives 100 ms
  });

  it('keeps nothing with no room or no TTL', () => {
    const none = new LookupCache<number>({ maxEntries: 0, ttlMs: 100, missingTtlMs: 100 });
    none.set('a', { found: true, value: 1 });
    expect(none.get('a')).toBeUndefined();
    const noMisses = new LookupCache<number>({ maxEntries: 5, ttlMs: 100, missingTtlMs: 0 });
    noMisses.set('a', { found: false });
    expect(noMisses.get('a')).toBeUndefined();
    expect(() => new LookupCache({ maxEntries: -1, ttlMs: 1, missingTtlMs: 1 })).toThrow(/maxEntries/);
  });
});

describe('lookupJoin options', () => {
  it('refuses a reload period that is not a positive number, and reload mode on a table that cannot be read whole', async () => {
    const { lookupJoin } = await import('../../core/lookup/lookup-join.ts');
    const table = { name: 't', getMany: async () => new Map<string, number>() };
    const select = (r: unknown) => r;
    expect(() => lookupJoin(table, { key: String, select, reloadEveryMs: 0 })).toThrow(/reloadEveryMs/);
    expect(() => lookupJoin(table, { key: String, select, reloadEveryMs: Number.NaN })).toThrow(
      /reloadEveryMs/,
    );
    expect(() => lookupJoin(table, { key: String, select, reloadEveryMs: 1_000 })).toThrow(/no all\(\)/);
  });
});
