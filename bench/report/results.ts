import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchLine } from './bench-line.ts';

/** One bench's run as bench/results/<bench>.json keeps it. */
export interface BenchResult {
  readonly bench: string;
  readonly command: string;
  /** What the run set besides the defaults (the --quick profile). */
  readonly env: Readonly<Record<string, string>>;
  readonly quick: boolean;
  readonly exitCode: number;
  readonly machine: { readonly cpus: number; readonly cpu: string; readonly memGiB: number };
  readonly startedAt: string;
  readonly seconds: number;
  readonly lines: readonly BenchLine[];
}

/** The results in `dir`, in the order `order` names them (others after, by name). */
export async function readResults(dir: string, order: readonly string[]): Promise<BenchResult[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json'));
  const results = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as BenchResult),
  );
  const rank = (r: BenchResult) => {
    const i = order.indexOf(r.bench);
    return i < 0 ? order.length : i;
  };
  return results.sort((a, b) => rank(a) - rank(b) || a.bench.localeCompare(b.bench));
}

/** The goal lines of every bench: what was held to a target, and whether it was met. */
export function summaryTable(results: readonly BenchResult[]): string {
  const rows: string[][] = [['bench', 'case', 'value', 'goal', 'met']];
  for (const r of results) {
    if (r.exitCode !== 0) rows.push([r.bench, `(exited ${r.exitCode})`, '', '', 'no']);
    for (const line of r.lines)
      if (typeof line.goal === 'string')
        rows.push([
          r.bench,
          line.case,
          String(line.ratio ?? '—'),
          line.goal,
          line.met === true ? 'yes' : 'NO',
        ]);
  }
  return table(rows);
}

/** A markdown table, columns padded to their widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(3, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) => `| ${widths.map((w, c) => (r[c] ?? '').padEnd(w)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join(
    '\n',
  );
}
