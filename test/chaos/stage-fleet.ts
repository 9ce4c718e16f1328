import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ServerProcess, tailOfFile } from '../services/server-process.ts';
import { waitUntil } from '../services/wait-until.ts';

const STAGE_PROCESS = fileURLToPath(new URL('./stage-process.ts', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const DRAIN_TIMEOUT_MS = 60_000;
const RESPAWN_DELAY_MS = 500;

/** What the fleet's stage processes connect to and how they share partitions. */
export interface FleetOptions {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly leaseMs: number;
  /** Stage process logs go here, one file per owner. */
  readonly dir: string;
  readonly mutation?: string;
  readonly note: (message: string) => void;
}

/** An exit nobody asked for: a crash when the instance was running, a failed start otherwise. */
export interface UnexpectedExit {
  readonly owner: string;
  readonly reason: string;
  readonly wasReady: boolean;
}

interface Instance {
  readonly owner: string;
  readonly partitions: readonly number[] | undefined;
  process: ServerProcess;
  readyFile: string;
  /** Set while the driver itself kills or stops it, so the exit is not taken for a crash. */
  expected: boolean;
}

/**
 * The stage's OS processes, supervised as a service manager would: an instance
 * that exits unasked is started again (and recorded), one the driver kills is
 * restarted only when asked to.
 *
 * @example
 * const fleet = new StageFleet({ natsUrl, databaseUrl, leaseMs: 3_000, dir, note: console.error });
 * await fleet.start('solo', [0, 1, 2, 3]);
 * await fleet.kill('solo', { restart: true });
 * await fleet.stopAll();
 */
export class StageFleet {
  readonly unexpectedExits: UnexpectedExit[] = [];
  readonly #o: FleetOptions;
  readonly #instances = new Map<string, Instance>();
  #spawns = 0;

  constructor(options: FleetOptions) {
    this.#o = options;
  }

  /** Owners running now. */
  owners(): readonly string[] {
    return [...this.#instances.keys()];
  }

  /** Starts an instance (claiming `partitions`, or sharing through leases without) and waits until it runs. */
  async start(owner: string, partitions?: readonly number[]): Promise<void> {
    if (this.#instances.has(owner)) throw new Error(`stage instance ${owner} is already running`);
    const instance = await this.#spawn(owner, partitions);
    this.#instances.set(owner, instance);
    this.#supervise(instance);
    await this.#ready(instance);
  }

  /** SIGKILL, then (with `restart`) the same owner again, waiting until it runs. */
  async kill(owner: string, { restart }: { readonly restart: boolean }): Promise<void> {
    const instance = this.#get(owner);
    instance.expected = true;
    await instance.process.stop('SIGKILL');
    this.#instances.delete(owner);
    this.#o.note(`SIGKILL ${owner} (pid ${instance.process.pid})${restart ? ', restarting' : ''}`);
    if (restart) await this.start(owner, instance.partitions);
  }

  /** SIGTERM: the instance drains (commits, publishes, releases its leases) and exits. */
  async stop(owner: string): Promise<void> {
    const instance = this.#get(owner);
    instance.expected = true;
    const exit = await instance.process.stop('SIGTERM', DRAIN_TIMEOUT_MS);
    this.#instances.delete(owner);
    if (exit.code !== 0) {
      this.unexpectedExits.push({
        owner,
        reason: `did not drain cleanly on SIGTERM: ${describeExit(exit)}`,
        wasReady: true,
      });
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.owners().map((owner) => this.stop(owner)));
  }

  /** For cleanup after a failure: kills whatever still runs. */
  async killAll(): Promise<void> {
    await Promise.all(
      [...this.#instances.values()].map((i) => {
        i.expected = true;
        return i.process.stop('SIGKILL');
      }),
    );
    this.#instances.clear();
  }

  logFile(owner: string): string {
    return join(this.#o.dir, `${owner}.log`);
  }

  async #spawn(owner: string, partitions: readonly number[] | undefined): Promise<Instance> {
    const readyFile = join(this.#o.dir, `${owner}-${++this.#spawns}.ready`);
    const child = await ServerProcess.spawn({
      command: process.execPath,
      args: [STAGE_PROCESS],
      cwd: this.#o.dir,
      logFile: this.logFile(owner),
      env: {
        ...process.env,
        NATS_URL: this.#o.natsUrl,
        DATABASE_URL: this.#o.databaseUrl,
        CHAOS_OWNER: owner,
        CHAOS_PARTITIONS: partitions?.join(',') ?? '',
        CHAOS_LEASE_MS: String(this.#o.leaseMs),
        CHAOS_READY_FILE: readyFile,
        CHAOS_MUTATION: this.#o.mutation ?? '',
      },
      deathSignal: 'SIGKILL',
    });
    return { owner, partitions, process: child, readyFile, expected: false };
  }

  async #ready(instance: Instance): Promise<void> {
    const failure = await waitUntil(async () => existsSync(instance.readyFile), {
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: 20,
      abort: () => (this.#instances.get(instance.owner) === instance ? undefined : 'it exited'),
    });
    // An instance that exited during start was respawned by #supervise; wait for that one.
    if (failure === 'it exited') {
      const next = this.#instances.get(instance.owner);
      if (next !== undefined) return this.#ready(next);
      return;
    }
    if (failure !== undefined) {
      throw new Error(
        `stage instance ${instance.owner} did not start: ${failure}\n${tailOfFile(this.logFile(instance.owner))}`,
      );
    }
  }

  #supervise(instance: Instance): void {
    void instance.process.exited.then(async (exit) => {
      if (instance.expected || this.#instances.get(instance.owner) !== instance) return;
      const wasReady = existsSync(instance.readyFile);
      const reason = describeExit(exit);
      this.unexpectedExits.push({ owner: instance.owner, reason, wasReady });
      this.#o.note(
        `${instance.owner} exited unasked (${reason}, ${wasReady ? 'while running' : 'starting'})`,
      );
      await sleep(RESPAWN_DELAY_MS);
      if (this.#instances.get(instance.owner) !== instance) return;
      const next = await this.#spawn(instance.owner, instance.partitions);
      this.#instances.set(instance.owner, next);
      this.#supervise(next);
    });
  }

  #get(owner: string): Instance {
    const instance = this.#instances.get(owner);
    if (instance === undefined) throw new Error(`no stage instance ${owner} is running`);
    return instance;
  }
}

function describeExit(exit: { readonly code: number | null; readonly signal: string | null }): string {
  return exit.signal === null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
}
