/**
 * A plain-text table with columns padded to their widest cell, counting wide
 * (CJK, emoji) characters as two columns so Chinese names line up. Numbers
 * are right-aligned.
 *
 * @example
 * ```ts
 * renderTable(['product', 'reviews'], [['Brewmaster kettle', 12]]);
 * ```
 */
export function renderTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = rows.map((row) => row.map((c) => String(c)));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i] ?? ''))));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (row: readonly string[]) =>
    `  ${row
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(c)));
        return numeric[i] ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd()}`;
  const rule = `  ${widths.map((w) => '─'.repeat(w)).join('  ')}`;
  return [line(headers), rule, ...cells.map(line)].join('\n');
}

/** Display columns of a string: wide characters take two. */
export function width(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    n += isWide(cp) ? 2 : cp === 0xfe0f || (cp >= 0x300 && cp < 0x370) ? 0 : 1;
  }
  return n;
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  );
}
