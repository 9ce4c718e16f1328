import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The README's example is the first thing a user copies: run it as written, as a
// module inside this package (so `eddy` resolves to it), and feed it three orders.
const root = join(import.meta.dirname, '..', '..');

it('the README example runs and prints running totals', async () => {
  const readme = await readFile(join(root, 'README.md'), 'utf8');
  const example = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(example, 'README.md has a ts block under "## Example"').toBeDefined();
  const driver = `
const enc = new TextEncoder();
for (const [i, key] of ['alice', 'bob', 'alice'].entries()) {
  await log.append('orders', { key, msgId: 'o-' + i, payload: enc.encode(JSON.stringify({ amount: 10 + i })) });
}
const deadline = Date.now() + 20_000;
while ((await store.outbox('totals', 0)).length + (await store.outbox('totals', 1)).length +
  (await store.outbox('totals', 2)).length + (await store.outbox('totals', 3)).length > 0 || !printed()) {
  if (Date.now() > deadline) throw new Error('no output');
  await new Promise((r) => setTimeout(r, 20));
}
await stage.stop();
await store.close();
`;
  const dir = await mkdtemp(join(root, '.tmp-readme-'));
  try {
    const file = join(dir, 'example.ts');
    const lines: string[] = [];
    await writeFile(
      file,
      `const printed = () => seen >= 3; let seen = 0; const print = console.log;\n` +
        `console.log = (...args) => { seen++; print(...args); };\n${example}\n${driver}`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: root, timeout: 60_000 });
    lines.push(...stdout.trim().split('\n').sort());
    expect(lines).toEqual(['alice { total: 10 }', 'alice { total: 22 }', 'bob { total: 11 }']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}, 90_000);
