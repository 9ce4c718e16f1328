import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

// Debian puts daemons such as nats-server in sbin, which a non-root PATH often lacks.
const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/**
 * The absolute path of an executable named `name` on PATH or in the sbin
 * directories, or undefined.
 *
 * @example
 * const nats = findExecutable('nats-server'); // '/usr/sbin/nats-server'
 */
export function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== ''), ...SBIN_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** Whether `path` exists and this process may execute it. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
