import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onProcessExit } from './exit-cleanup.ts';

const PREFIX = 'eddy-services-';
const OWNER_PID = new RegExp(`^${PREFIX}(\\d+)-`);

/** A temp directory holding one server's data and logs; gone when this process exits. */
export interface ServiceDir {
  readonly path: string;
  /** Deletes it now (the server using it must be stopped first). */
  remove(): void;
}

/**
 * Makes a temp directory named for this process, removed on exit even when the
 * run is interrupted. Other accounts may pass through it (mode 0711) so a
 * server running as `postgres` can reach the subdirectory it owns.
 *
 * @example
 * const dir = createServiceDir('nats'); // /tmp/eddy-services-1234-nats-XXXXXX
 */
export function createServiceDir(label: string): ServiceDir {
  const path = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-${label}-`));
  chmodSync(path, 0o711);
  const remove = (): void => rmSync(path, { recursive: true, force: true });
  const forget = onProcessExit(remove);
  return {
    path,
    remove() {
      forget();
      remove();
    },
  };
}

/**
 * Deletes service directories whose process is gone: what a run killed with
 * SIGKILL could not clean up itself.
 *
 * @example
 * sweepStaleServiceDirs();
 */
export function sweepStaleServiceDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(OWNER_PID.exec(name)?.[1]);
    if (!Number.isInteger(pid) || isAlive(pid)) continue;
    try {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    } catch {
      // Another account's leftovers; not ours to force.
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
