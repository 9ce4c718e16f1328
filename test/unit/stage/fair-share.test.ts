import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fairShare } from '../../../core/stage/fair-share.ts';

describe('fairShare', () => {
  it('gives the remainder to the first members', () => {
    expect(['a', 'b', 'c'].map((m) => fairShare(8, ['a', 'b', 'c'], m))).toEqual([3, 3, 2]);
    expect(['a', 'b'].map((m) => fairShare(1, ['a', 'b'], m))).toEqual([1, 0]);
  });

  it('gives nothing to an owner that is not a member', () => {
    expect(fairShare(8, ['a', 'b'], 'z')).toBe(0);
  });

  it('shares add up to the partitions and differ by at most one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 512 }), fc.integer({ min: 1, max: 40 }), (partitions, count) => {
        const members = Array.from({ length: count }, (_, i) => `m${String(i).padStart(3, '0')}`);
        const shares = members.map((m) => fairShare(partitions, members, m));
        expect(shares.reduce((a, b) => a + b, 0)).toBe(partitions);
        expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
      }),
    );
  });
});
