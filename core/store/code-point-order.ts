/**
 * Compares strings by Unicode code point, the order PostgreSQL's "C" collation
 * gives UTF-8 text; JavaScript's `<` compares UTF-16 code units, which differs
 * for characters above U+FFFF against U+E000..U+FFFF.
 *
 * @example
 * ['\u{1F600}', '\uFFFD'].sort(compareCodePoints); // ['\uFFFD', '\u{1F600}']
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return lift(x) - lift(y);
  }
  return a.length - b.length;
}

/** Moves surrogates (U+D800..U+DFFF) above U+E000..U+FFFF, where the code points they encode sort. */
function lift(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit < 0xe000 ? unit + 0x2000 : unit - 0x800;
}
