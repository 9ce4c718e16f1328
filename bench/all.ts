// `npm run bench [-- --quick] [-- --only core,jetstream]`: every bench in sequence, each
// in a fresh process (one at a time: they share two cores with the servers they start).
// Writes bench/results/<bench>.json (bench/results/quick/ for --quick), the charts, and
// prints a summary table of the goal lines. `npm run bench:readme` then writes the
// README's Benchmarks section from bench/results.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchLine } from './report/bench-line.ts';
import { BENCHES } from './report/benches.ts';
import { writeCharts } from './report/charts.ts';
import { type BenchResult, summaryTable } from './report/results.ts';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const quick = values.quick === true;
const only = values.only?.split(',').filter(Boolean);
const unknown = only?.filter((n) => !BENCHES.some((b) => b.name === n)) ?? [];
if (unknown.length > 0) {
  console.error(
    `bench: no bench ${unknown.join(', ')}; the benches: ${BENCHES.map((b) => b.name).join(', ')}`,
  );
  process.exit(2);
}
const dir = join('bench', 'results', ...(quick ? ['quick'] : []));
await mkdir(dir, { recursive: true });

const results: BenchResult[] = [];
for (const spec of BENCHES.filter((b) => !only || only.includes(b.name))) {
  const started = Date.now();
  process.stderr.write(`bench: ${spec.name} (${spec.script}${quick ? ', quick' : ''})\n`);
  const { code, lines } = await run(spec.script, quick ? spec.quick : {});
  const result: BenchResult = {
    bench: spec.name,
    command: `node ${spec.script}`,
    env: quick ? spec.quick : {},
    quick,
    exitCode: code,
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memGiB: Math.round(totalmem() / 2 ** 30),
    },
    startedAt: new Date(started).toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    lines,
  };
  results.push(result);
  await writeFile(join(dir, `${spec.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  await writeCharts(dir, result);
  if (code !== 0) process.stderr.write(`bench: ${spec.name} exited ${code}\n`);
}
// In the repository's format (short arrays on one line), so the results pass the lint as written.
const formatted = spawnSync(join('node_modules', '.bin', 'biome'), ['format', '--write', dir], {
  stdio: 'ignore',
});
if (formatted.status !== 0) process.stderr.write(`bench: could not format ${dir} with biome\n`);
process.stdout.write(`\n${summaryTable(results)}\n`);
process.exitCode = results.some((r) => r.exitCode !== 0) ? 1 : 0;

/** Runs one bench; its JSON lines are collected (and echoed), everything else passes through. */
function run(script: string, env: Record<string, string>): Promise<{ code: number; lines: BenchLine[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines: BenchLine[] = [];
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const text = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        process.stdout.write(`${text}\n`);
        try {
          const line = JSON.parse(text) as BenchLine;
          if (typeof line === 'object' && line !== null && typeof line.case === 'string') lines.push(line);
        } catch {
          // Not a result line: shown, not kept.
        }
        nl = buffered.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, lines }));
  });
}
