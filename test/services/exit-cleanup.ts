import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/** Synchronous work that must happen even when the process is exiting or being interrupted. */
export type ExitCleanup = () => void;

const cleanups = new Set<ExitCleanup>();
let installed = false;

/**
 * Runs `cleanup` when this process exits or gets SIGINT, SIGTERM or SIGHUP, so
 * no server or temp dir outlives an interrupted run. Vitest exits straight from
 * its own signal handler without running globalSetup teardowns, which is why
 * this must be synchronous. Returns a function that unregisters it.
 *
 * @example
 * const forget = onProcessExit(() => rmSync(dir, { recursive: true, force: true }));
 */
export function onProcessExit(cleanup: ExitCleanup): () => void {
  install();
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

function runAll(): void {
  // Newest first: servers registered after their temp dir are stopped before it is removed.
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // Best effort while exiting: one failed cleanup must not stop the others.
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      runAll();
      // Listening replaced Node's default of exiting; keep it when nobody else (vitest) decides.
      if (process.listenerCount(signal) === 1) process.exit(128 + constants.signals[signal]);
    });
  }
}

/**
 * Sends `signal` to `pid` and blocks until the process is gone (or a zombie,
 * which holds no files or ports), for at most `timeoutMs`. Returns whether it
 * went. Only for exit paths, where the event loop no longer runs.
 *
 * @example
 * if (!killAndWaitSync(pid, 'SIGQUIT', 5000)) killAndWaitSync(pid, 'SIGKILL', 1000);
 */
export function killAndWaitSync(pid: number, signal: NodeJS.Signals, timeoutMs: number): boolean {
  try {
    process.kill(pid, signal);
  } catch {
    return !isRunning(pid);
  }
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    Atomics.wait(pause, 0, 0, 10);
  }
  return !isRunning(pid);
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && procIsMounted()) return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

function procIsMounted(): boolean {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}
