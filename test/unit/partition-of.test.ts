import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../core/log/partition-of.ts';

/** 2^32 partitions expose the raw hash, so the FNV-1a reference vectors apply directly. */
const RAW = 2 ** 32;

describe('partitionOf', () => {
  it('is FNV-1a 32-bit over the UTF-8 bytes', () => {
    expect(partitionOf('', RAW)).toBe(0x811c9dc5);
    expect(partitionOf('a', RAW)).toBe(0xe40c292c);
    expect(partitionOf('foobar', RAW)).toBe(0xbf9cf968);
    // Multi-byte characters hash their UTF-8 encoding, not UTF-16 code units.
    expect(partitionOf('é', RAW)).toBe(0x1e9de8c1);
    expect(partitionOf('🙂', RAW)).toBe(0x57a37a4b);
  });

  it('hashes ASCII keys (hashed without encoding) and others alike: FNV-1a of the UTF-8 bytes', () => {
    const reference = (key: string) => {
      let hash = 0x811c9dc5;
      for (const b of new TextEncoder().encode(key)) hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
      return hash;
    };
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme-ascii' }), fc.string({ unit: 'binary' })), (key) => {
        expect(partitionOf(key, RAW)).toBe(reference(key));
      }),
      { numRuns: 2_000 },
    );
  });

  it('maps keys to fixed partitions (other languages rely on these values)', () => {
    expect([partitionOf('alice', 4), partitionOf('alice', 7)]).toEqual([3, 6]);
    expect([partitionOf('user-42', 4), partitionOf('user-42', 7)]).toEqual([3, 6]);
    expect([partitionOf('a', 4), partitionOf('a', 7)]).toEqual([0, 5]);
  });

  it('is the raw hash modulo the partition count, always in range', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 1_000 }), (key, partitions) => {
        const p = partitionOf(key, partitions);
        expect(p).toBe(partitionOf(key, RAW) % partitions);
        expect(Number.isInteger(p) && p >= 0 && p < partitions).toBe(true);
      }),
    );
  });

  it('puts everything in partition 0 of a single-partition topic', () => {
    expect(partitionOf('anything', 1)).toBe(0);
  });

  it('rejects partition counts that are not positive integers', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => partitionOf('k', bad), String(bad)).toThrow(RangeError);
    }
  });
});
