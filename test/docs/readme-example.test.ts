import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../services/database.ts';

// The README's examples are the first thing a user copies: each runs as written, as a
// module inside this package (so `eddy` resolves to it), and typechecks with the
// project's compiler settings. Every ts block of the README is one of the examples
// below, so a new one cannot go untested.
const root = join(import.meta.dirname, '..', '..');
let readme: string;
let dir: string;
let db: TestDatabase;
const files = {
  example: '',
  asyncMap: '',
  windows: '',
  lookupJoin: '',
  deadLetters: '',
  scaling: '',
  service: '',
  testing: '',
  react: '',
  workflow: '',
  memory: '',
  ai: '',
};
beforeAll(async () => {
  readme = await readFile(join(root, 'README.md'), 'utf8');
  dir = await mkdtemp(join(root, '.tmp-readme-'));
  db = await createTestDatabase();
  files.example = await write('example', withTotalsDriver(example('Example')));
  files.asyncMap = await write('async-map', example('Operators'));
  files.windows = await write('windows', example('Operators', 1));
  files.lookupJoin = await write('lookup-join', example('Operators', 2));
  files.deadLetters = await write('dead-letters', example('Bad records never stop a partition'));
  files.scaling = await write('scaling', example('Scaling out: several instances'));
  files.service = await write('service', example('Running in production: `eddy run`'));
  files.testing = await write('testing', example('Testing your own actors: `eddy/testing`'));
  files.react = await write('react', example('Agents', 0));
  files.workflow = await write('workflow', example('Agents', 1));
  files.memory = await write('memory', example('Memory'));
  files.ai = await write('ai', example('AI functions'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await db?.drop();
});

/** Every ts block of the README with the heading it sits under. */
function tsBlocks(): { heading: string; source: string }[] {
  const blocks: { heading: string; source: string }[] = [];
  let heading = '';
  for (const part of readme.split(/^(## .*)$/m)) {
    if (part.startsWith('## ')) heading = part.slice(3);
    else
      for (const m of part.matchAll(/```ts\n([\s\S]*?)```/g))
        blocks.push({ heading, source: m[1] as string });
  }
  return blocks;
}

/** The first ts block under the heading. */
function example(heading: string, nth = 0): string {
  const block = tsBlocks().filter((b) => b.heading === heading)[nth];
  if (block === undefined) throw new Error(`README.md has no ts block ${nth} under "## ${heading}"`);
  return block.source;
}

async function write(name: string, source: string): Promise<string> {
  const file = join(dir, `${name}.ts`);
  await writeFile(file, source);
  return file;
}

async function run(file: string, env: Record<string, string> = {}): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], {
    cwd: root,
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return stdout.trim().split('\n');
}

/** Starts the file, waits for its first line of output, sends SIGTERM; its exit code and output. */
async function runUntilTerm(
  file: string,
  env: Record<string, string>,
): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, [file], { cwd: root, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no output after 60 s; stderr: ${err}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before any output; stderr: ${err}`)));
  });
  child.kill('SIGTERM');
  return { code: await exited, out: out.trim() };
}

/** Type errors of the files, checked as part of this package with its tsconfig. */
function typeErrors(files: readonly string[]): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const program = ts.createProgram(files, { ...config.options, noEmit: true });
  const missing = files.filter((f) => program.getSourceFile(f) === undefined);
  if (missing.length > 0) throw new Error(`not in the program: ${missing.join(', ')}`);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.includes(d.file.fileName))
    .map((d) => `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/** The first example with four orders fed to it, ending once it printed their totals. */
function withTotalsDriver(source: string): string {
  return `let seen = 0; const printed = (): boolean => seen >= 3; const print = console.log;
console.log = (...args: unknown[]) => { seen++; print(...args); };
${source}
const enc = new TextEncoder();
const orders = [['alice', 10, 'EUR'], ['bob', 11, 'EUR'], ['alice', 12, 'USD'], ['alice', 1.5, 'EUR']] as const;
for (const [i, [key, amount, currency]] of orders.entries()) {
  await log.append('orders', { key, msgId: 'o-' + i, payload: enc.encode(JSON.stringify({ amount, currency })) });
}
const deadline = Date.now() + 20_000;
while (!printed()) {
  if (Date.now() > deadline) throw new Error('no output');
  await new Promise((r) => setTimeout(r, 20));
}
await sums.stop();
await store.close();
`;
}

it('the README example runs and prints running totals', async () => {
  const lines = await run(files.example);
  expect(lines.sort()).toEqual(['alice { total: 1000 }', 'alice { total: 1150 }', 'bob { total: 1100 }']);
}, 90_000);

it('the asyncMap example enriches visits from a real HTTP service', async () => {
  expect(await run(files.asyncMap)).toEqual([
    "shop { country: 'AU', visits: 1 }",
    "shop { country: 'DE', visits: 1 }",
  ]);
}, 90_000);

it('the window example closes a minute of comments on event time, across a keyBy hop', async () => {
  expect(await run(files.windows)).toEqual(['final match-7 1796126400000 { comments: 2, chars: 15 }']);
}, 90_000);

it('the lookupJoin example routes a review to its product manager and dead-letters an unknown product', async () => {
  const lines = await run(files.lookupJoin);
  expect(lines.sort()).toEqual(
    [
      'step LookupMissError: table "products" has no row for key "p9"',
      '{"to":"ana@example.com","about":"Trail shoe","text":"Sole came off after a week","n":1}',
    ].sort(),
  );
}, 90_000);

it('the dead-letter example runs and prints each bad record once', async () => {
  const lines = await run(files.deadLetters);
  expect(lines).toEqual(['decide 2 RangeError', 'decode 3 InputDecodeError', '2', '1 3']);
}, 90_000);

it('the scaling-out example holds partitions on NATS and PostgreSQL and drains on SIGTERM', async () => {
  const { code, out } = await runUntilTerm(files.scaling, {
    NATS_URL: inject('natsUrl'),
    DATABASE_URL: db.url,
  });
  expect(out).toBe('holding partitions 0,1,2,3');
  expect(code).toBe(0);
}, 90_000);

it('the eddy run example serves as a service on NATS and PostgreSQL: ready, its partitions, a drain on SIGTERM', async () => {
  const child = spawn(process.execPath, ['cli/main.ts', 'run', files.service], {
    cwd: root,
    env: { PATH: process.env.PATH, NATS_URL: inject('natsUrl'), DATABASE_URL: db.url, EDDY_HTTP_PORT: '0' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const listening = out.split('\n').find((l) => l.includes('eddy run: listening'));
      if (listening) {
        clearInterval(timer);
        resolve((JSON.parse(listening) as { port: number }).port);
      }
    }, 50);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  let ready: { status: number; body: { partitions: Record<string, number[][]> } } | undefined;
  for (let i = 0; i < 200 && ready?.status !== 200; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`);
    ready = { status: res.status, body: (await res.json()) as { partitions: Record<string, number[][]> } };
    if (ready.status !== 200) await new Promise((r) => setTimeout(r, 100));
  }
  expect(ready?.body.partitions.totals).toEqual([[0, 1, 2, 3, 4, 5, 6, 7]]);
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  expect(out).toContain('eddy run: drained, leases released');
}, 90_000);

it('the eddy/testing example finds the fault-free outcome under random faults', async () => {
  expect(await run(files.testing)).toEqual(['3 14']);
}, 90_000);

it('the ReAct example asks for approval, gets it, refunds and answers (offline model)', async () => {
  expect(await run(files.react, { EDDY_MODEL: '' })).toEqual(['approval-request', 'answer']);
}, 90_000);

it('the workflow example emits the sentiment of a review (offline model)', async () => {
  const lines = await run(files.workflow, { EDDY_MODEL: '' });
  expect(lines).toHaveLength(1);
  const [key, value] = [lines[0]?.slice(0, 4), JSON.parse(lines[0]?.slice(4) ?? 'null')];
  expect(key).toBe('r-1 ');
  expect(value).toEqual({ sentiment: expect.stringContaining('Arrived broken') });
}, 90_000);

it('the memory example recalls the runbook that names the error code, across a shared namespace', async () => {
  expect(await run(files.memory, { EDDY_EMBEDDER: '' })).toEqual(['rb-2 0.29, rb-1 0.05']);
}, 90_000);

it('the AI functions example scores a review with two registered models (offline model)', async () => {
  expect(await run(files.ai, { EDDY_MODEL: '' })).toEqual(['r-1 label,score string']);
}, 90_000);

it('every ts block of the README is tested here', () => {
  expect(tsBlocks().map((b) => b.heading)).toEqual([
    'Example',
    'Operators',
    'Operators',
    'Operators',
    'Bad records never stop a partition',
    'Running in production: `eddy run`',
    'Scaling out: several instances',
    'Testing your own actors: `eddy/testing`',
    'Agents',
    'Agents',
    'Memory',
    'AI functions',
  ]);
});

it('the examples typecheck', async () => {
  expect(typeErrors(Object.values(files))).toEqual([]);
}, 90_000);
