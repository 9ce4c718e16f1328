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
  // ASCII is its own UTF-8: hash the char codes without encoding (most keys; no allocation).
  let ascii = true;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c > 0x7f) {
      ascii = false;
      break;
    }
    hash = Math.imul(hash ^ c, 0x01000193) >>> 0;
  }
  if (ascii) return hash % partitions;
  hash = 0x811c9dc5;
  for (const b of encoder.encode(key)) hash = Math.imul(hash ^ b, 0x01000193) >>> 0;
  return hash % partitions;
}
