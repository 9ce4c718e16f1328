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

/** The port an `eddy run` process said it listens on (its 'listening' JSON log line), once it has. */
export function listeningPort(p: EddyProcess): number | undefined {
  for (const line of p.stdout().split('\n')) {
    try {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'eddy run: listening') return entry.port;
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}

/** Waits for an `eddy run` process to listen; throws with what it printed when it exits first. */
export async function waitForPort(p: EddyProcess, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const port = listeningPort(p);
    if (port !== undefined) return port;
    if (p.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`eddy run did not listen: ${p.stderr()}${p.stdout()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
