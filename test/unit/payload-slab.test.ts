import { describe, expect, it } from 'vitest';
import { PayloadSlab } from '../../core/log/payload-slab.ts';

describe('PayloadSlab', () => {
  it('returns copies that later writes to the source or other copies never change', () => {
    const slab = new PayloadSlab();
    const source = new Uint8Array([1, 2, 3]);
    const copies: Uint8Array[] = [];
    // Enough to fill several shared buffers, with sizes that straddle their ends.
    for (let i = 0; i < 50_000; i++) {
      source.fill(i % 256);
      copies.push(slab.copy(source.subarray(0, (i % 3) + 1)));
    }
    source.fill(255);
    copies.forEach((copy, i) => {
      expect(copy.byteLength).toBe((i % 3) + 1);
      expect([...copy]).toEqual(new Array((i % 3) + 1).fill(i % 256));
    });
  });

  it('copies large and empty payloads too', () => {
    const slab = new PayloadSlab();
    const large = new Uint8Array(100_000).fill(7);
    const copy = slab.copy(large);
    large.fill(0);
    expect(copy.byteLength).toBe(100_000);
    expect(copy.every((b) => b === 7)).toBe(true);
    expect(slab.copy(new Uint8Array(0)).byteLength).toBe(0);
  });
});
