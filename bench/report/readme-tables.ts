import type { BenchLine } from './bench-line.ts';
import { type BenchResult, table } from './results.ts';

/** The figures a README table shows, in this order, when any line of the bench has them. */
const FIELDS: readonly (readonly [field: string, header: string])[] = [
  ['round', 'round'],
  ['eventsPerSec', 'events/s'],
  ['runsPerSec', 'runs/s'],
  ['stepsPerSec', 'model steps/s'],
  ['callsPerSec', 'calls/s'],
  ['steadyCallsPerSec', 'steady calls/s'],
  ['boundPerSec', 'bound (keys / latency)'],
  ['vectorsPerSec', 'vectors/s'],
  ['ingestPerSec', 'ingest vectors/s'],
  ['offeredPerSec', 'offered/s'],
  ['processedPerSec', 'kept up with/s'],
  ['p50Ms', 'p50 ms'],
  ['p99Ms', 'p99 ms'],
  ['p999Ms', 'p99.9 ms'],
  ['recall', 'recall@10'],
  ['recallAt10', 'recall@10'],
  ['bytesPerRun', 'bytes/run'],
  ['rowsPerRun', 'rows/run'],
  ['walBytesPerRun', 'WAL bytes/run'],
  ['cpuMsPerRun', 'CPU ms/run'],
  ['cpuMsPerCall', 'CPU ms/call'],
  ['cpuUsPerEvent', 'CPU µs/event'],
  ['cpuMsPer1k', 'CPU ms/1k (node/nats/pg)'],
  ['eddyUsPerEvent', 'eddy (a) CPU µs/event'],
  ['handUsPerEvent', 'hand-written (b) CPU µs/event'],
  ['consumingAfterSec', 'consuming again, s'],
  ['allKeysBackSec', 'every key back, s'],
  ['snapshots', 'snapshots'],
  ['nodeCpuSec', 'Node CPU s'],
  ['keysWithWrongVersions', 'keys with wrong versions'],
  ['redelivered', 'redelivered'],
  ['keysOutOfOrder', 'keys out of order'],
  ['complete', 'journal complete'],
  ['heapMiB', 'heap MiB'],
  ['peakHeapMiB', 'peak heap MiB'],
  ['peakRssMiB', 'peak RSS MiB'],
  ['ratio', 'ratio'],
];

/** The bench's figures (every line that is not a goal), then its goals, as markdown tables. */
export function benchTables(result: BenchResult): string {
  const figures = result.lines.filter(
    (l) => typeof l.goal !== 'string' && !String(l.case).startsWith('warm-up'),
  );
  const fields = FIELDS.filter(([f]) => figures.some((l) => shown(l[f]) !== ''));
  const parts: string[] = [];
  if (figures.length > 0)
    parts.push(
      table([
        ['case', ...fields.map(([, h]) => h)],
        ...figures.map((l) => [String(l.case), ...fields.map(([f]) => shown(l[f]))]),
      ]),
    );
  const goals = result.lines.filter((l) => typeof l.goal === 'string');
  if (goals.length > 0)
    parts.push(
      table([
        ['goal', 'value', 'target', 'met'],
        ...goals.map((l: BenchLine) => [
          String(l.case),
          shown(l.ratio),
          String(l.goal),
          l.met === true ? 'yes' : '**no**',
        ]),
      ]),
    );
  return parts.join('\n\n');
}

/** A figure as a cell: numbers grouped (12.3k), CPU triples joined, objects left out. */
function shown(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? compact(value) : '';
  if (typeof value === 'string' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if ('node' in v) return [v.node, v.nats, v.postgres].map((x) => shown(x)).join(' / ');
  }
  return '';
}

function compact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e6) return `${Number((n / 1e6).toFixed(2))}M`;
  if (abs >= 1e4) return `${Number((n / 1e3).toFixed(1))}k`;
  if (abs >= 100) return String(Math.round(n));
  return String(Number(n.toFixed(2)));
}
