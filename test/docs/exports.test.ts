import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// What a user imports is what package.json exports: each entry point must resolve by
// the package's name in plain Node (not only through vitest's resolver), and the code
// we ship as examples of use (scenarios, benches) must get by with those entry points.
const root = join(import.meta.dirname, '..', '..');
const entries = {
  eddy: ['pipeline', 'from', 'actor', 'to', 'keyBy', 'defineActor', 'MemoryLog', 'MemoryStore', 'Stage'],
  'eddy/connectors': ['JetStreamLog', 'PgStore', 'PgliteStore', 'migrations'],
  'eddy/agents': ['reactAgent', 'workflowAgent', 'tool', 'chatModel', 'offlineModel', 'connectMcp'],
  'eddy/testing': ['runScenario', 'crash', 'FaultyLog', 'FaultyStore', 'faultSchedule'],
  'eddy/memory': [
    'sqlMemory',
    'embedderFor',
    'offlineEmbedder',
    'OpenAIEmbedder',
    'keyNamespace',
    'MemoryInputError',
  ],
} as const;

it('resolves every entry point from the package name in Node', async () => {
  const script = `
    const names = ${JSON.stringify(entries)};
    const found = {};
    for (const [entry, wanted] of Object.entries(names)) {
      const mod = await import(entry);
      found[entry] = wanted.filter((name) => !(name in mod));
    }
    console.log(JSON.stringify(found));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
    timeout: 60_000,
  });
  const missing = JSON.parse(stdout) as Record<string, string[]>;
  expect(missing).toEqual(Object.fromEntries(Object.keys(entries).map((e) => [e, []])));
});

it('package.json exports exactly the documented entry points', async () => {
  const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, string>;
  };
  const names = Object.keys(pkg.exports).map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`));
  expect(names.sort()).toEqual(Object.keys(entries).sort());
});

/** Every module specifier a file names: static imports, re-exports and dynamic imports. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [/\bfrom\s+'([^']+)'/g, /\bimport\s+'([^']+)'/g, /\bimport\(\s*'([^']+)'\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

it('scenarios and benches import eddy only through its entry points', async () => {
  const offending: string[] = [];
  for (const folder of ['scenarios', 'bench']) {
    for (const file of await tsFiles(join(root, folder))) {
      for (const spec of specifiers(await readFile(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = relative(root, join(file, '..', spec));
        // Local helpers of the same folder are fine; benches may start the test servers and the
        // loopback model (a wire server speaking a provider's protocol to the real SDK).
        const allowed =
          target.startsWith(`${folder}/`) ||
          (folder === 'bench' &&
            (target.startsWith('test/services/') || target.startsWith('test/agents/wire/')));
        if (!allowed) offending.push(`${relative(root, file)} imports ${spec}`);
      }
    }
  }
  expect(offending).toEqual([]);
});

it('eddy/testing reaches the engine only through its public API and the named internal surface', async () => {
  const offending: string[] = [];
  for (const file of await tsFiles(join(root, 'core', 'testing'))) {
    for (const spec of specifiers(await readFile(file, 'utf8'))) {
      if (!spec.startsWith('../')) continue;
      if (spec !== '../index.ts' && spec !== '../internal.ts')
        offending.push(`${relative(root, file)} imports ${spec}`);
    }
  }
  expect(offending).toEqual([]);
});
