import { describe, expect, it } from 'vitest';
import { seededRandom, seedOf } from '../../../core/runtime/seeded-random.ts';

const draw = (seed: number, n: number): number[] => {
  const next = seededRandom(seed);
  return Array.from({ length: n }, () => next());
};

describe('seedOf', () => {
  it('is 32-bit FNV-1a', () => {
    expect(seedOf('')).toBe(0x811c9dc5);
    expect(seedOf('a')).toBe(0xe40c292c);
    expect(seedOf('foobar')).toBe(0xbf9cf968);
  });
});

describe('seededRandom', () => {
  it('draws the same sequence for the same seed', () => {
    expect(draw(42, 100)).toEqual(draw(42, 100));
    expect(draw(seedOf('actor\u0000key\u0000seq:7'), 10)).toEqual(
      draw(seedOf('actor\u0000key\u0000seq:7'), 10),
    );
  });

  it('draws different sequences for different seeds', () => {
    expect(draw(1, 5)).not.toEqual(draw(2, 5));
    expect(draw(seedOf('seq:1'), 5)).not.toEqual(draw(seedOf('seq:2'), 5));
  });

  it('stays in [0, 1) and spreads over it', () => {
    const values = draw(7, 10_000);
    for (const v of values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
    const buckets = new Array<number>(10).fill(0);
    for (const v of values) buckets[Math.floor(v * 10)] = (buckets[Math.floor(v * 10)] ?? 0) + 1;
    for (const count of buckets) expect(count).toBeGreaterThan(800);
    expect(new Set(values).size).toBeGreaterThan(9_990);
  });
});
