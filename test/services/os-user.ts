import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ServiceUnavailableError } from './errors.ts';

/** An operating-system account a server runs as. */
export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * The account PostgreSQL should run as: undefined (this process's own) unless
 * this process is root, which initdb and postgres refuse; then the `postgres`
 * account that Debian's postgresql packages create.
 *
 * @example
 * const user = postgresOsUser(); // { name: 'postgres', uid: 101, gid: 104 } when running as root
 */
export function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const name = process.env.EDDY_PG_OS_USER ?? 'postgres';
  const user = lookUpUser(name);
  if (user === undefined) {
    throw new ServiceUnavailableError(
      'postgres',
      `the suite runs as root, PostgreSQL refuses to, and there is no OS user "${name}" to run it as`,
      'install PostgreSQL with `bash scripts/setup-debian.sh` (its package creates the postgres user), ' +
        'set EDDY_PG_OS_USER to another non-root account, or run the suite as a non-root user',
    );
  }
  return user;
}

function lookUpUser(name: string): OsUser | undefined {
  let entry: string;
  try {
    entry = execFileSync('getent', ['passwd', name], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
  const [, , uid, gid] = entry.trim().split(':');
  if (uid === undefined || gid === undefined) return undefined;
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * Fails unless `user` may pass through every directory above `path`: a root
 * run whose TMPDIR is under /root would otherwise fail deep inside initdb.
 *
 * @example
 * assertCanReach(postgresUser, '/tmp/eddy-services-1-postgres-x/cluster');
 */
export function assertCanReach(user: OsUser, path: string): void {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const stats = statSync(dir);
    const bit = stats.uid === user.uid ? 0o100 : stats.gid === user.gid ? 0o010 : 0o001;
    const mayEnter = stats.mode & bit;
    if (mayEnter === 0) {
      throw new ServiceUnavailableError(
        'postgres',
        `PostgreSQL runs as OS user ${user.name}, which may not enter ${dir} (on the way to ${path})`,
        'set TMPDIR to a directory every user can enter, such as /tmp',
      );
    }
    if (dir === dirname(dir)) return;
  }
}
