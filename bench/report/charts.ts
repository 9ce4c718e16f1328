import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResult } from './results.ts';
import { lineChart } from './svg-chart.ts';

/** The charts of one bench's result, as `<dir>/<bench>-<chart>.svg`; the names written. */
export async function writeCharts(dir: string, result: BenchResult): Promise<string[]> {
  const written: string[] = [];
  for (const [name, svg] of chartsOf(result)) {
    const file = `${result.bench}-${name}.svg`;
    await writeFile(join(dir, file), svg);
    written.push(file);
  }
  return written;
}

/** Which charts a bench has: the latency curve of bench:jetstream. */
export function chartsOf(result: BenchResult): [string, string][] {
  if (result.bench !== 'jetstream') return [];
  const curve = result.lines.filter((l) => l.curve === true);
  if (curve.length < 2) return [];
  const at = (field: string) =>
    curve
      .map((l) => [Number(l.offeredPerSec), Number(l[field])] as const)
      .filter(([, y]) => Number.isFinite(y));
  return [
    [
      'latency',
      lineChart({
        title: 'eddy exactly-once stage: latency by offered rate (JetStream + PostgreSQL)',
        xLabel: 'offered inputs/s',
        yLabel: 'input publish → output PubAck, ms (log)',
        logY: true,
        target: { y: 50, label: 'p99 target' },
        series: [
          { name: 'p50', color: '#1f77b4', points: at('p50Ms') },
          { name: 'p99', color: '#ff7f0e', points: at('p99Ms') },
          { name: 'p99.9', color: '#2ca02c', points: at('p999Ms') },
        ],
      }),
    ],
  ];
}
