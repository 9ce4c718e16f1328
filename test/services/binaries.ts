import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SETUP_REMEDY, ServiceUnavailableError } from './errors.ts';
import { findExecutable, isExecutable } from './find-executable.ts';

/** Where one PostgreSQL installation's server programs and extension files are. */
export interface PostgresBinaries {
  readonly binDir: string;
  readonly shareDir: string;
  readonly major: number;
}

const PREFERRED_MAJOR = Number(process.env.EDDY_PG_MAJOR ?? '15');
const DEBIAN_PG_ROOT = '/usr/lib/postgresql';

/**
 * The nats-server binary: $EDDY_NATS_SERVER, else nats-server on PATH or in sbin.
 *
 * @example
 * const binary = findNatsServer(); // '/usr/sbin/nats-server'
 */
export function findNatsServer(): string {
  const configured = process.env.EDDY_NATS_SERVER;
  const binary = configured ?? findExecutable('nats-server');
  if (binary === undefined || !isExecutable(binary)) {
    const where = configured === undefined ? 'on PATH or in /usr/sbin' : `at EDDY_NATS_SERVER=${configured}`;
    throw new ServiceUnavailableError(
      'nats',
      `nats-server (2.9 or newer) is not installed ${where}`,
      SETUP_REMEDY,
    );
  }
  return binary;
}

/**
 * The PostgreSQL server programs: $EDDY_PG_BINDIR, else Debian's
 * /usr/lib/postgresql/<major>/bin (15 preferred, else the newest), else
 * `pg_config --bindir`. Wrappers elsewhere on PATH are never used directly.
 *
 * @example
 * const { binDir } = findPostgresBinaries(); // '/usr/lib/postgresql/15/bin'
 */
export function findPostgresBinaries(): PostgresBinaries {
  const binDir = candidateBinDirs().find(hasServerPrograms);
  if (binDir === undefined) {
    throw new ServiceUnavailableError(
      'postgres',
      `PostgreSQL server programs (initdb, postgres) were not found in EDDY_PG_BINDIR, ` +
        `${DEBIAN_PG_ROOT}/<major>/bin or pg_config --bindir`,
      SETUP_REMEDY,
    );
  }
  const major = serverMajor(binDir);
  return { binDir, major, shareDir: shareDirOf(binDir, major) };
}

/**
 * Fails unless pgvector is installed for these binaries, naming the file it looked for.
 *
 * @example
 * assertPgvectorInstalled(findPostgresBinaries());
 */
export function assertPgvectorInstalled(binaries: PostgresBinaries): void {
  const control = join(binaries.shareDir, 'extension', 'vector.control');
  if (!existsSync(control)) {
    throw new ServiceUnavailableError(
      'postgres',
      `pgvector is not installed for PostgreSQL ${binaries.major} (no ${control})`,
      SETUP_REMEDY,
    );
  }
}

function candidateBinDirs(): string[] {
  const dirs: string[] = [];
  if (process.env.EDDY_PG_BINDIR !== undefined) dirs.push(process.env.EDDY_PG_BINDIR);
  dirs.push(join(DEBIAN_PG_ROOT, String(PREFERRED_MAJOR), 'bin'));
  dirs.push(...installedMajors().map((major) => join(DEBIAN_PG_ROOT, String(major), 'bin')));
  const pgConfig = findExecutable('pg_config');
  if (pgConfig !== undefined) {
    try {
      dirs.push(execFileSync(pgConfig, ['--bindir'], { encoding: 'utf8' }).trim());
    } catch {
      // A pg_config that cannot answer gives no candidate.
    }
  }
  return dirs;
}

function installedMajors(): number[] {
  try {
    return readdirSync(DEBIAN_PG_ROOT)
      .map(Number)
      .filter((major) => Number.isInteger(major))
      .sort((a, b) => b - a);
  } catch {
    return [];
  }
}

function hasServerPrograms(binDir: string): boolean {
  return isExecutable(join(binDir, 'initdb')) && isExecutable(join(binDir, 'postgres'));
}

function serverMajor(binDir: string): number {
  const version = execFileSync(join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  const major = Number(/\(PostgreSQL\)\s+(\d+)/.exec(version)?.[1]);
  if (!Number.isInteger(major)) throw new Error(`cannot read the version of ${binDir}/postgres: ${version}`);
  return major;
}

function shareDirOf(binDir: string, major: number): string {
  const pgConfig = join(binDir, 'pg_config');
  if (isExecutable(pgConfig)) {
    try {
      return execFileSync(pgConfig, ['--sharedir'], { encoding: 'utf8' }).trim();
    } catch {
      // Fall back to Debian's layout below.
    }
  }
  return `/usr/share/postgresql/${major}`;
}
