import { type ChildProcess, spawn } from 'node:child_process';

/** An `eddy` process a test started, with what it printed so far. */
export interface EddyProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
}

/** Starts `node cli/main.ts <args>` with exactly `env` (plus PATH): nothing of the test's own environment leaks in. */
export function spawnEddy(args: readonly string[], env: Readonly<Record<string, string>>): EddyProcess {
  const child = spawn(process.execPath, ['cli/main.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, stdout: () => out, stderr: () => err };
}
