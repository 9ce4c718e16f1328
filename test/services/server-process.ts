import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { killAndWaitSync, onProcessExit } from './exit-cleanup.ts';
import { findExecutable } from './find-executable.ts';
import type { OsUser } from './os-user.ts';
import { withTimeout } from './wait-until.ts';

/** How a server process ended. */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What to run and where its output goes. */
export interface ServerProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** stdout and stderr are appended here; read back with {@link tailOfFile} when something fails. */
  readonly logFile: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Run as this account (needs root); undefined runs as this process's own. */
  readonly runAs?: OsUser | undefined;
  /** What the server gets if this process dies without stopping it (Linux parent-death signal). */
  readonly deathSignal: NodeJS.Signals;
}

/**
 * One running server binary, started so that it cannot outlive this process:
 * the kernel signals it if this process dies, and a normal or interrupted exit
 * stops it synchronously.
 *
 * @example
 * const server = await ServerProcess.spawn({ command, args, cwd, logFile, deathSignal: 'SIGKILL' });
 * await server.stop('SIGTERM');
 */
export class ServerProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Resolves when the process has ended, however that happened. */
  readonly exited: Promise<ServerExit>;
  #exit: ServerExit | undefined;
  readonly #child: ChildProcess;
  readonly #forgetExitCleanup: () => void;

  private constructor(child: ChildProcess, pid: number, options: ServerProcessOptions) {
    this.#child = child;
    this.pid = pid;
    this.logFile = options.logFile;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        this.#forgetExitCleanup();
        resolve({ code, signal });
      });
    });
    const deathSignal = options.deathSignal;
    this.#forgetExitCleanup = onProcessExit(() => {
      if (this.#exit !== undefined) return;
      if (!killAndWaitSync(pid, deathSignal, 10_000)) killAndWaitSync(pid, 'SIGKILL', 2_000);
    });
  }

  /** Starts the process; rejects when the binary cannot be executed at all. */
  static async spawn(options: ServerProcessOptions): Promise<ServerProcess> {
    const [command, args] = wrap(options);
    const log = openSync(options.logFile, 'a');
    let child: ChildProcess;
    try {
      writeSync(
        log,
        `\n--- ${new Date().toISOString()} starting: ${options.command} ${options.args.join(' ')}\n`,
      );
      // Own process group: a terminal's Ctrl-C reaches only the test runner, which stops servers in order.
      child = spawn(command, args, {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', log, log],
        detached: true,
      });
    } finally {
      closeSync(log);
    }
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    if (child.pid === undefined) throw new Error(`${options.command} started without a process id`);
    // The runner must be able to exit even if a test forgets to stop a server; exit cleanup stops it then.
    child.unref();
    return new ServerProcess(child, child.pid, options);
  }

  /** How the process ended, or undefined while it runs. */
  get exit(): ServerExit | undefined {
    return this.#exit;
  }

  /** Why the process is gone, e.g. 'it exited with code 1', or undefined while it runs. */
  exitReason(): string | undefined {
    const exit = this.#exit;
    if (exit === undefined) return undefined;
    return exit.signal === null ? `it exited with code ${exit.code}` : `it was killed by ${exit.signal}`;
  }

  /** Sends `signal` without waiting. */
  signal(signal: NodeJS.Signals): void {
    if (this.#exit === undefined) this.#child.kill(signal);
  }

  /**
   * Sends `signal` and waits for the process to end; after `timeoutMs` it is
   * killed with SIGKILL.
   */
  async stop(signal: NodeJS.Signals, timeoutMs = 15_000): Promise<ServerExit> {
    if (this.#exit !== undefined) return this.#exit;
    this.#child.kill(signal);
    const ended = await withTimeout(this.exited, timeoutMs);
    if (ended !== undefined) return ended;
    this.#child.kill('SIGKILL');
    return this.exited;
  }
}

/** The last `lines` lines of a log file, for error messages; empty when it cannot be read. */
export function tailOfFile(path: string, lines = 30): string {
  try {
    const text = readFileSync(path, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// setpriv sets the parent-death signal after switching user, so it survives into the server.
function wrap(options: ServerProcessOptions): readonly [string, string[]] {
  const setpriv = findExecutable('setpriv');
  if (setpriv === undefined) {
    if (options.runAs !== undefined) {
      throw new Error(
        `running ${options.command} as ${options.runAs.name} needs setpriv (Debian: util-linux)`,
      );
    }
    return [options.command, [...options.args]];
  }
  const user =
    options.runAs === undefined
      ? []
      : [`--reuid=${options.runAs.uid}`, `--regid=${options.runAs.gid}`, '--init-groups'];
  return [setpriv, [...user, `--pdeathsig=${options.deathSignal}`, '--', options.command, ...options.args]];
}
