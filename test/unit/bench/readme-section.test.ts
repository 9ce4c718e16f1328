import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goalLine } from '../../../bench/report/bench-line.ts';
import { BEGIN, END, renderBenchmarks, withSection } from '../../../bench/report/readme.ts';
import { type BenchResult, summaryTable } from '../../../bench/report/results.ts';

const result = (bench: string, lines: BenchResult['lines']): BenchResult => ({
  bench,
  command: `node bench/${bench}.ts`,
  env: {},
  quick: false,
  exitCode: 0,
  machine: { cpus: 2, cpu: 'test cpu', memGiB: 24 },
  startedAt: '2026-12-01T20:00:00.000Z',
  seconds: 12,
  lines,
});

describe('the README Benchmarks section', () => {
  it('is what bench/results and bench/report/text make (run npm run bench:readme after a bench run)', async () => {
    const readme = await readFile('README.md', 'utf8');
    const section = await renderBenchmarks(join('bench', 'results'), join('bench', 'report', 'text'));
    expect(withSection(readme, section)).toBe(readme);
    // Every bench has results to show.
    for (const bench of [
      'core',
      'scale',
      'recovery',
      'jetstream',
      'operators',
      'model-bound',
      'memory',
      'peers',
    ])
      expect(section, bench).toContain(`node bench/${bench === 'peers' ? 'peers/peers' : bench}.ts`);
  });

  it('tables a bench’s figures and its goals, met or not, and draws the latency curve', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bench-readme-'));
    const text = await mkdtemp(join(tmpdir(), 'bench-text-'));
    await writeFile(join(text, 'intro.md'), '## Benchmarks\n');
    await writeFile(join(text, 'jetstream.md'), '### JetStream\n');
    const curve = [1000, 5000].map((offeredPerSec, i) => ({
      bench: 'jetstream',
      case: `a: latency at ${offeredPerSec}/s offered`,
      curve: true,
      offeredPerSec,
      p50Ms: 10 + i,
      p99Ms: 40 + i * 100,
      p999Ms: 90 + i * 200,
    }));
    const lines = [
      ...curve,
      { bench: 'jetstream', ...goalLine('p99 ms at 5000/s offered', 140, { op: '<=', value: 50 }) },
      { bench: 'jetstream', ...goalLine('ratio a/b', 0.84, { op: '>=', value: 0.8 }) },
    ];
    await writeFile(join(dir, 'jetstream.json'), JSON.stringify(result('jetstream', lines)));
    const { writeCharts } = await import('../../../bench/report/charts.ts');
    expect(await writeCharts(dir, result('jetstream', lines))).toEqual(['jetstream-latency.svg']);
    const svg = await readFile(join(dir, 'jetstream-latency.svg'), 'utf8');
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('p99 target');
    const section = await renderBenchmarks(dir, text);
    expect(section).toContain('| a: latency at 5000/s offered | 5000      | 11     | 140    | 290      |');
    expect(section).toContain('| p99 ms at 5000/s offered | 140   | <= 50  | **no** |');
    expect(section).toContain('| ratio a/b                | 0.84  | >= 0.8 | yes    |');
    expect(section).toContain(`![jetstream latency](${join(dir, 'jetstream-latency.svg')})`);
    expect(summaryTable([result('jetstream', lines)])).toContain(
      '| jetstream | p99 ms at 5000/s offered | 140   | <= 50  | NO  |',
    );
    expect(() => withSection('no markers here', section)).toThrow(
      `README.md has no ${BEGIN} … ${END} markers`,
    );
  });
});
