import { appendFileSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertPgvectorInstalled, findPostgresBinaries, type PostgresBinaries } from './binaries.ts';
import { ServiceUnavailableError } from './errors.ts';
import { freePort } from './free-port.ts';
import { assertCanReach, type OsUser, postgresOsUser } from './os-user.ts';
import { withClient } from './pg-client.ts';
import { ServerProcess, tailOfFile } from './server-process.ts';
import { createServiceDir, type ServiceDir } from './service-dir.ts';
import { waitUntil, withTimeout } from './wait-until.ts';

/** PostgreSQL's shutdown modes: wait for clients, roll them back, or crash (recovery on next start). */
export type PostgresStopMode = 'smart' | 'fast' | 'immediate';

const STOP_SIGNAL: Readonly<Record<PostgresStopMode, NodeJS.Signals>> = {
  smart: 'SIGTERM',
  fast: 'SIGINT',
  immediate: 'SIGQUIT',
};
const START_ATTEMPTS = 3;
const INITDB_TIMEOUT_MS = 120_000;
const REMEDY = 'fix what the log says, or set DATABASE_URL to a running PostgreSQL with pgvector';

/**
 * A private PostgreSQL cluster (initdb in a temp dir) on 127.0.0.1 with fsync
 * on, trust auth for user postgres and pgvector available. As root it runs as
 * the `postgres` OS user, since PostgreSQL refuses root.
 *
 * @example
 * const cluster = new PostgresCluster();
 * await cluster.init();
 * await cluster.start();
 * const pool = new pg.Pool({ connectionString: cluster.url });
 * await cluster.stop('immediate'); // a crash: the next start runs recovery
 * await cluster.restart();
 * await cluster.dispose();
 */
export class PostgresCluster {
  readonly readyTimeoutMs: number;
  #binaries: PostgresBinaries | undefined;
  #osUser: OsUser | undefined;
  #dir: ServiceDir | undefined;
  #process: ServerProcess | undefined;
  #port: number | undefined;

  constructor(options: { readonly readyTimeoutMs?: number } = {}) {
    this.readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  }

  /** postgres://postgres@127.0.0.1:<port>/postgres; stable across restarts. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get port(): number {
    if (this.#port === undefined) throw new Error('PostgresCluster has not been started; call start() first');
    return this.#port;
  }

  get dataDir(): string {
    return join(this.#clusterDir(), 'data');
  }

  /** Where the server's output goes (initdb's goes to initdb.log beside it). */
  get logFile(): string {
    return join(this.#serviceDir().path, 'postgres.log');
  }

  get running(): boolean {
    return this.#process !== undefined && this.#process.exit === undefined;
  }

  /** Creates the cluster with initdb and writes the test settings into its postgresql.conf. */
  async init(): Promise<this> {
    if (this.#binaries !== undefined) throw new Error(`cluster already initialised in ${this.dataDir}`);
    const binaries = findPostgresBinaries();
    assertPgvectorInstalled(binaries);
    this.#osUser = postgresOsUser();
    const clusterDir = this.#clusterDir();
    if (this.#osUser !== undefined) assertCanReach(this.#osUser, clusterDir);
    const socketDir = join(clusterDir, 'socket');
    mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    for (const dir of [clusterDir, socketDir]) this.#giveToServerUser(dir);

    const logFile = join(this.#serviceDir().path, 'initdb.log');
    // --no-sync only skips initdb's final flush of a throwaway cluster; the server itself runs with fsync on.
    const args = ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C'];
    const initdb = await ServerProcess.spawn({
      command: join(binaries.binDir, 'initdb'),
      args: [...args, '--no-sync'],
      cwd: clusterDir,
      logFile,
      runAs: this.#osUser,
      deathSignal: 'SIGKILL',
    });
    const exit = await withTimeout(initdb.exited, INITDB_TIMEOUT_MS);
    if (exit?.code !== 0) {
      if (exit === undefined) await initdb.stop('SIGKILL');
      const reason = exit === undefined ? `did not finish in ${INITDB_TIMEOUT_MS} ms` : initdb.exitReason();
      throw new ServiceUnavailableError(
        'postgres',
        `initdb (${binaries.binDir}) failed: ${reason}.\nLast lines of ${logFile}:\n${tailOfFile(logFile)}`,
        REMEDY,
      );
    }
    appendFileSync(join(this.dataDir, 'postgresql.conf'), testSettings(socketDir));
    this.#binaries = binaries;
    return this;
  }

  /** Starts the server (on `port`, else a free one) and waits until it accepts queries. */
  async start(port?: number): Promise<this> {
    const binaries = this.#binaries;
    if (binaries === undefined) throw new Error('PostgresCluster is not initialised; call init() first');
    if (this.running) throw new Error(`PostgreSQL is already running at ${this.url}`);
    const attempts = port === undefined ? START_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      const serverPort = port ?? (await freePort());
      const failure = await this.#startOnce(binaries, serverPort);
      if (failure === undefined) {
        this.#port = serverPort;
        return this;
      }
      const tail = tailOfFile(this.logFile);
      // A free port can be taken between asking and binding; only then is another try worth it.
      if (attempt < attempts && /address already in use/i.test(tail)) continue;
      throw new ServiceUnavailableError(
        'postgres',
        `PostgreSQL ${binaries.major} (${binaries.binDir}) did not start on 127.0.0.1:${serverPort}: ${failure}.\n` +
          `Last lines of ${this.logFile}:\n${tail}`,
        REMEDY,
      );
    }
  }

  /** Shuts the server down in `mode` and waits for it to exit. */
  async stop(mode: PostgresStopMode = 'fast'): Promise<void> {
    await this.#process?.stop(STOP_SIGNAL[mode], 60_000);
  }

  /** Stops the server if it runs, then starts it again on the same port and data. */
  async restart(mode: PostgresStopMode = 'fast'): Promise<this> {
    await this.stop(mode);
    return this.start(this.port);
  }

  /** Stops the server and deletes the cluster. */
  async dispose(): Promise<void> {
    await this.stop('immediate');
    this.#dir?.remove();
    this.#dir = undefined;
    this.#binaries = undefined;
  }

  async #startOnce(binaries: PostgresBinaries, port: number): Promise<string | undefined> {
    const server = await ServerProcess.spawn({
      command: join(binaries.binDir, 'postgres'),
      args: ['-D', this.dataDir, '-p', String(port)],
      cwd: this.#clusterDir(),
      logFile: this.logFile,
      env: { ...process.env, LC_ALL: 'C' },
      runAs: this.#osUser,
      // Immediate shutdown: the postmaster takes its backends with it.
      deathSignal: 'SIGQUIT',
    });
    this.#process = server;
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const failure = await waitUntil(
      () => withClient(url, async (client) => (await client.query('SELECT 1')).rowCount === 1, 1_000),
      {
        timeoutMs: this.readyTimeoutMs,
        intervalMs: 100,
        abort: () => server.exitReason(),
      },
    );
    if (failure !== undefined) await server.stop('SIGQUIT', 10_000);
    return failure;
  }

  #giveToServerUser(path: string): void {
    if (this.#osUser !== undefined) chownSync(path, this.#osUser.uid, this.#osUser.gid);
  }

  #clusterDir(): string {
    return join(this.#serviceDir().path, 'cluster');
  }

  #serviceDir(): ServiceDir {
    this.#dir ??= createServiceDir('postgres');
    return this.#dir;
  }
}

function testSettings(socketDir: string): string {
  return [
    '',
    '# eddy test suite',
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${socketDir.replaceAll("'", "''")}'`,
    'max_connections = 200',
    'fsync = on',
    'synchronous_commit = on',
    'full_page_writes = on',
    'shared_buffers = 128MB',
    '',
  ].join('\n');
}
