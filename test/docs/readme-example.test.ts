import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';

// The README's examples are the first thing a user copies: each runs as written, as a
// module inside this package (so `eddy` resolves to it), and typechecks with the
// project's compiler settings.
const root = join(import.meta.dirname, '..', '..');
let readme: string;
let dir: string;
const files = { example: '', deadLetters: '' };
beforeAll(async () => {
  readme = await readFile(join(root, 'README.md'), 'utf8');
  dir = await mkdtemp(join(root, '.tmp-readme-'));
  files.example = await write('example', withTotalsDriver(example('Example')));
  files.deadLetters = await write('dead-letters', example('Bad records never stop a partition'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** The first ts block under the heading. */
function example(heading: string): string {
  const at = readme.indexOf(`\n## ${heading}\n`);
  const block = at < 0 ? undefined : /```ts\n([\s\S]*?)```/.exec(readme.slice(at))?.[1];
  if (block === undefined) throw new Error(`README.md has no ts block under "## ${heading}"`);
  return block;
}

async function write(name: string, source: string): Promise<string> {
  const file = join(dir, `${name}.ts`);
  await writeFile(file, source);
  return file;
}

async function run(file: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: root, timeout: 60_000 });
  return stdout.trim().split('\n');
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

it('the dead-letter example runs and prints each bad record once', async () => {
  const lines = await run(files.deadLetters);
  expect(lines).toEqual(['decide 2 RangeError', 'decode 3 InputDecodeError', '2']);
}, 90_000);

it('the examples typecheck', async () => {
  expect(typeErrors([files.example, files.deadLetters])).toEqual([]);
}, 90_000);
