/**
 * A vector in pgvector's binary input format (`vector_recv`): the dimensions
 * as int16, an unused int16 (0), then each value as a big-endian float4
 * (the values PostgreSQL reads from the text form, as the test shows).
 * node-postgres sends a Buffer parameter in binary, so the server skips
 * parsing hundreds of decimal numbers per query (about a third of a 384-dim
 * top-10 search here) and the client skips printing them.
 *
 * @example
 * ```ts
 * await pool.query('SELECT $1::vector::text AS v', [vectorBinary([1, 2.5])]); // v: '[1,2.5]'
 * ```
 */
export function vectorBinary(v: readonly number[]): Buffer {
  const buffer = Buffer.allocUnsafe(4 + 4 * v.length);
  buffer.writeUInt16BE(v.length, 0);
  buffer.writeUInt16BE(0, 2);
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as number;
    // -0 as 0, as the text form prints it.
    buffer.writeFloatBE(x === 0 ? 0 : x, 4 + 4 * i);
  }
  return buffer;
}
