import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findNatsServer } from './binaries.ts';
import { ServiceUnavailableError } from './errors.ts';
import { freePort } from './free-port.ts';
import { acceptsTcp, answersOk } from './probes.ts';
import { ServerProcess, tailOfFile } from './server-process.ts';
import { createServiceDir, type ServiceDir } from './service-dir.ts';
import { waitUntil } from './wait-until.ts';

const START_ATTEMPTS = 3;

/**
 * A private nats-server with JetStream on 127.0.0.1, its store and log in a
 * temp dir, for tests and for fault tests that kill and restart it.
 *
 * @example
 * const nats = new NatsServer();
 * await nats.start();
 * const nc = await connect({ servers: nats.url });
 * await nats.stop('SIGKILL');
 * await nats.restart(); // same port, same JetStream store
 * await nats.dispose();
 */
export class NatsServer {
  readonly readyTimeoutMs: number;
  /** Extra nats-server configuration (its config file syntax), e.g. a `mappings` block. */
  readonly config: string | undefined;
  #dir: ServiceDir | undefined;
  #process: ServerProcess | undefined;
  #port: number | undefined;
  #storeDir: string | undefined;

  /**
   * `config`: extra configuration in nats-server's config file syntax, loaded
   * with `-c`; the command-line settings (address, ports, JetStream) win over it.
   *
   * @example
   * new NatsServer({ config: 'mappings = { "orders.in.*": "orders.{{partition(4,1)}}" }' });
   */
  constructor(options: { readonly readyTimeoutMs?: number; readonly config?: string } = {}) {
    this.readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
    this.config = options.config;
  }

  /** The client URL, e.g. nats://127.0.0.1:41234; stable across restarts. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get port(): number {
    if (this.#port === undefined) throw new Error('NatsServer has not been started; call start() first');
    return this.#port;
  }

  /** The JetStream store directory; stable across restarts. */
  get storeDir(): string {
    if (this.#storeDir === undefined) throw new Error('NatsServer has not been started; call start() first');
    return this.#storeDir;
  }

  /** Where the server's output goes. */
  get logFile(): string {
    return join(this.#serviceDir().path, 'nats-server.log');
  }

  get running(): boolean {
    return this.#process !== undefined && this.#process.exit === undefined;
  }

  /**
   * Starts the server and waits until it accepts clients with JetStream on.
   * Without `port` it takes a free one; without `storeDir` it uses one in its temp dir.
   */
  async start(port?: number, storeDir?: string): Promise<this> {
    if (this.running) throw new Error(`nats-server is already running at ${this.url}`);
    const binary = findNatsServer();
    this.#storeDir = storeDir ?? this.#storeDir ?? join(this.#serviceDir().path, 'jetstream');
    const attempts = port === undefined ? START_ATTEMPTS : 1;
    for (let attempt = 1; ; attempt++) {
      const clientPort = port ?? (await freePort());
      const failure = await this.#startOnce(binary, clientPort, this.#storeDir);
      if (failure === undefined) {
        this.#port = clientPort;
        return this;
      }
      const tail = tailOfFile(this.logFile);
      // A free port can be taken between asking and binding; only then is another try worth it.
      if (attempt < attempts && /address already in use/i.test(tail)) continue;
      throw new ServiceUnavailableError(
        'nats',
        `nats-server (${binary}) did not start on 127.0.0.1:${clientPort}: ${failure}.\n` +
          `Last lines of ${this.logFile}:\n${tail}`,
        'fix what the log says, or set NATS_URL to a running nats-server started with -js',
      );
    }
  }

  /** Stops the server with `signal` (SIGTERM: clean shutdown; SIGKILL: crash) and waits for it to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.#process?.stop(signal);
  }

  /** Stops the server if it runs, then starts it again on the same port with the same store. */
  async restart(signal: NodeJS.Signals = 'SIGTERM'): Promise<this> {
    await this.stop(signal);
    return this.start(this.port, this.storeDir);
  }

  /** Stops the server and deletes its temp dir, store included. */
  async dispose(): Promise<void> {
    await this.stop('SIGTERM');
    this.#dir?.remove();
    this.#dir = undefined;
  }

  async #startOnce(binary: string, port: number, storeDir: string): Promise<string | undefined> {
    const monitorPort = await freePort();
    const args = ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)];
    args.push('-js', '-sd', storeDir, '-n', `eddy-test-${port}`);
    if (this.config !== undefined) {
      const file = join(this.#serviceDir().path, 'nats-server.conf');
      writeFileSync(file, this.config);
      args.push('-c', file);
    }
    const server = await ServerProcess.spawn({
      command: binary,
      args,
      cwd: this.#serviceDir().path,
      logFile: this.logFile,
      deathSignal: 'SIGKILL',
    });
    this.#process = server;
    const healthz = `http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`;
    const failure = await waitUntil(async () => (await acceptsTcp(port)) && (await answersOk(healthz)), {
      timeoutMs: this.readyTimeoutMs,
      abort: () => server.exitReason(),
    });
    if (failure !== undefined) await server.stop('SIGKILL');
    return failure;
  }

  #serviceDir(): ServiceDir {
    this.#dir ??= createServiceDir('nats');
    return this.#dir;
  }
}
