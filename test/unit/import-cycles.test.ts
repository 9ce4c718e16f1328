import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { expect, it } from 'vitest';

// Files that import each other, even for types only, hold one idea split in two (or a shared
// type living in the wrong file): a cycle makes either file impossible to read, test or move
// alone, and a runtime cycle can meet a module before it is initialised. Shipped folders only.
const root = join(import.meta.dirname, '..', '..');
const SHIPPED = ['core', 'agents', 'connectors'];

/** Relative specifiers of static imports and re-exports (type-only ones too), and side-effect imports. */
function imports(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const found: string[] = [];
  for (const m of code.matchAll(/^\s*(?:import|export)\b[^'"`;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gm))
    found.push(m[1] as string);
  for (const m of code.matchAll(/^\s*import\s+'(\.{1,2}\/[^']+)'/gm)) found.push(m[1] as string);
  return found;
}

async function graph(): Promise<Map<string, string[]>> {
  const files: string[] = [];
  for (const folder of SHIPPED) {
    for (const entry of await readdir(join(root, folder), { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) files.push(join(entry.parentPath, entry.name));
    }
  }
  const known = new Set(files.map((f) => relative(root, f)));
  const edges = new Map<string, string[]>();
  for (const file of files) {
    const from = relative(root, file);
    const to = imports(await readFile(file, 'utf8'))
      .map((spec) => relative(root, resolve(dirname(file), spec)))
      .filter((target) => known.has(target));
    edges.set(from, [...new Set(to)]);
  }
  return edges;
}

/** Every strongly connected group of more than one file (or a file importing itself), as one cycle through it. */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) {
      onStack.delete(w);
      group.push(w);
    }
    if (group.length > 1 || edges.get(v)?.includes(v)) groups.push(group);
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return groups.map((group) => pathThrough(group, edges));
}

/** A cycle through a strongly connected group, from its first file back to it, for the failure message. */
function pathThrough(group: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[] {
  const members = new Set(group);
  const start = [...group].sort()[0] as string;
  const previous = new Map<string, string>();
  const queue = [start];
  for (let at = queue.shift(); at !== undefined; at = queue.shift()) {
    for (const w of edges.get(at) ?? []) {
      if (w === start) {
        const path = [start];
        for (let p: string | undefined = at; p !== undefined && p !== start; p = previous.get(p))
          path.splice(1, 0, p);
        return [...path, start];
      }
      if (members.has(w) && !previous.has(w)) {
        previous.set(w, at);
        queue.push(w);
      }
    }
  }
  return [...group];
}

it('finds a cycle when there is one (the check itself works)', () => {
  const edges = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts', 'd.ts']],
    ['d.ts', []],
  ]);
  expect(cycles(edges)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  expect(imports("import type { X } from './x.ts';\nexport { y } from '../y.ts';\nimport './z.ts';")).toEqual(
    ['./x.ts', '../y.ts', './z.ts'],
  );
});

it('core, agents and connectors have no import cycles', async () => {
  const edges = await graph();
  expect(edges.size).toBeGreaterThan(100);
  expect(cycles(edges).map((cycle) => cycle.join(' -> '))).toEqual([]);
});
