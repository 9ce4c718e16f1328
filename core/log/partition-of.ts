const encoder = new TextEncoder();

/**
 * Stable partition of a key: FNV-1a 32-bit over the UTF-8 bytes, mod `partitions`.
 * Stable across processes, versions and platforms, so producers in other
 * languages can compute it too.
 */
export function partitionOf(key: string, partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1) {
    throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  }
  let hash = 0x811c9dc5;
  const bytes = encoder.encode(key);
  for (const b of bytes) {
    hash ^= b;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}
