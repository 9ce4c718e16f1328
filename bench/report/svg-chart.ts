// Plain SVG charts for the README (no chart library: a few lines of geometry are
// easier to keep than a dependency that renders in a browser).

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChart {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** A logarithmic y axis (latencies spanning ms to seconds). */
  readonly logY?: boolean;
  /** A horizontal line: a target. */
  readonly target?: { readonly y: number; readonly label: string };
}

const W = 640;
const H = 360;
const M = { left: 64, right: 120, top: 40, bottom: 48 };

/** A line chart with axes, ticks, a legend and an optional target line. */
export function lineChart(c: LineChart): string {
  const xs = c.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = c.series.flatMap((s) => s.points.map(([, y]) => y)).concat(c.target ? [c.target.y] : []);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const positive = ys.filter((y) => y > 0);
  const [y0, y1] = c.logY
    ? [
        10 ** Math.floor(Math.log10(Math.min(...positive))),
        10 ** Math.ceil(Math.log10(Math.max(...positive))),
      ]
    : [0, niceCeil(Math.max(...ys))];
  const px = (x: number) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number) => {
    const f = c.logY
      ? (Math.log10(Math.max(y, y0)) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0) || 1)
      : (y - y0) / (y1 - y0 || 1);
    return H - M.bottom - f * (H - M.top - M.bottom);
  };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${xmlText(c.title)}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14" font-weight="bold">${xmlText(c.title)}</text>`,
  ];
  const yTicks = c.logY ? decades(y0, y1) : Array.from({ length: 6 }, (_, i) => y0 + ((y1 - y0) * i) / 5);
  for (const y of yTicks) {
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(y)}" y2="${py(y)}" stroke="#e5e5e5"/>`,
      `<text x="${M.left - 6}" y="${py(y) + 4}" text-anchor="end">${short(y)}</text>`,
    );
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b))
    parts.push(`<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${short(x)}</text>`);
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" stroke="#333"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">${xmlText(c.xLabel)}</text>`,
    `<text x="16" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 ${(M.top + H - M.bottom) / 2})">${xmlText(c.yLabel)}</text>`,
  );
  if (c.target)
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py(c.target.y)}" y2="${py(c.target.y)}" stroke="#c00" stroke-dasharray="6 4"/>`,
      `<text x="${W - M.right + 6}" y="${py(c.target.y) + 4}" fill="#c00">${xmlText(c.target.label)}</text>`,
    );
  c.series.forEach((s, i) => {
    const d = s.points
      .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${px(x).toFixed(1)},${py(y).toFixed(1)}`)
      .join(' ');
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [x, y] of s.points)
      parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = M.top + 10 + i * 18;
    parts.push(
      `<line x1="${W - M.right + 10}" x2="${W - M.right + 30}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${W - M.right + 36}" y="${ly + 4}">${xmlText(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function decades(y0: number, y1: number): number[] {
  const out: number[] = [];
  for (let y = y0; y <= y1 * 1.0001; y *= 10) out.push(y);
  return out;
}

function niceCeil(y: number): number {
  if (y <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(y));
  return Math.ceil(y / p) * p;
}

function short(n: number): string {
  if (n >= 1000) return `${Number((n / 1000).toFixed(1))}k`;
  return String(Number(n.toFixed(2)));
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
