import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JetStreamLog } from '../../connectors/jetstream/jetstream-log.ts';
import { PgStore } from '../../connectors/postgres/pg-store.ts';
import type { Defect } from '../../core/defects.ts';
import { NatsServer } from '../services/nats-server.ts';
import { PostgresCluster } from '../services/postgres-cluster.ts';
import { type Fault, planFaults } from './faults.ts';
import { type PartitionState, partitionState } from './partition-state.ts';
import { planEvents, seededRandom } from './plan.ts';
import { type PublishStats, publishEvents } from './publisher.ts';
import { TopicTail } from './read-topic.ts';
import { referenceOf } from './reference.ts';
import { StageFleet, type UnexpectedExit } from './stage-fleet.ts';
import { CHAOS } from './sum-actor.ts';
import { type VerdictDetails, verify } from './verify.ts';

export interface ChaosProfile {
  readonly name: string;
  readonly events: number;
  readonly keys: number;
  readonly partitions: number;
  /** Publishing pace: the run lasts at least events / ratePerSec seconds, and faults land during it. */
  readonly ratePerSec: number;
  /** SIGKILLs of a running instance, each followed by a restart. */
  readonly restartKills: number;
  /** Restart NATS once (SIGTERM, same port and store). */
  readonly natsRestart: boolean;
  /** Restart PostgreSQL once (immediate shutdown: a crash, recovered from the WAL). */
  readonly pgRestart: boolean;
  /** Run the last ~40% as three instances sharing the partitions through leases, and kill one for good. */
  readonly threeInstances: boolean;
  readonly leaseMs: number;
  readonly seed: number;
  /** After the last event and fault, how long the stage may take to produce the remaining outputs. */
  readonly settleTimeoutMs: number;
  /** A deliberate defect in the stage processes, to see the checks fail. */
  readonly mutation?: Defect;
}

/** The one line `npm run chaos` prints, plus what explains it. */
export interface ChaosReport {
  readonly events: number;
  readonly kills: number;
  readonly natsRestarts: number;
  readonly pgRestarts: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly mismatched: number;
  readonly details: VerdictDetails & {
    readonly seconds: Readonly<
      Record<'servers' | 'publish' | 'settle' | 'drain' | 'verify' | 'total', number>
    >;
    readonly unexpectedExits: readonly UnexpectedExit[];
    readonly publishRetries: number;
    readonly publishDuplicates: number;
    readonly partitions: readonly PartitionState[];
    /** Stage process logs; kept when the run found a problem, removed otherwise. */
    readonly logDir: string;
  };
}

const SOLO = 'solo';
const TRIO = ['a', 'b', 'c'] as const;

/**
 * One chaos run against servers of its own: publishes the profile's events
 * while stage processes are SIGKILLed and restarted, NATS and PostgreSQL are
 * restarted once each, and (optionally) the single instance gives way to three
 * that share the partitions, one of which is killed for good. Then compares
 * the outputs and stored state with the fault-free reference.
 *
 * @example
 * const report = await runChaos(ciProfile, (line) => process.stderr.write(`${line}\n`));
 * if (report.lost + report.duplicated + report.mismatched > 0) process.exitCode = 1;
 */
export async function runChaos(profile: ChaosProfile, say: (line: string) => void): Promise<ChaosReport> {
  const started = performance.now();
  const clock = (): string => `${((performance.now() - started) / 1000).toFixed(1)}s`;
  const note = (line: string): void => say(`[chaos ${clock()}] ${line}`);
  const seconds: Record<string, number> = {};
  let mark = performance.now();
  const lap = (phase: string): void => {
    seconds[phase] = round((performance.now() - mark) / 1000);
    mark = performance.now();
  };

  const nats = new NatsServer();
  const postgres = new PostgresCluster();
  const logDir = mkdtempSync(join(tmpdir(), 'eddy-chaos-'));
  let log: JetStreamLog | undefined;
  let fleet: StageFleet | undefined;
  let keepLogs = true;
  try {
    await Promise.all([nats.start(), postgres.init().then(() => postgres.start())]);
    log = await JetStreamLog.connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    await log.ensureTopic({ subject: CHAOS.input, partitions: profile.partitions });
    const migrator = new PgStore({ url: postgres.url, maxConnections: 1 });
    await migrator.migrate();
    await migrator.close();
    note(`NATS ${nats.url}, PostgreSQL ${postgres.url}, stage logs in ${logDir}`);

    fleet = new StageFleet({
      natsUrl: nats.url,
      databaseUrl: postgres.url,
      leaseMs: profile.leaseMs,
      dir: logDir,
      note,
      ...(profile.mutation === undefined ? {} : { mutation: profile.mutation }),
    });
    const everyPartition = Array.from({ length: profile.partitions }, (_, p) => p);
    await fleet.start(SOLO, everyPartition);
    lap('servers');

    const plan = planEvents({ count: profile.events, keys: profile.keys, seed: profile.seed });
    const progress = new Progress();
    const publishing = publishEvents(log, plan, {
      subject: CHAOS.input,
      ratePerSec: profile.ratePerSec,
      concurrency: 256,
      giveUpAfterMs: 120_000,
      onProgress: (n) => progress.set(n),
    });
    // Seen through `published`: a publish failure must not go unhandled while faults run.
    const published = publishing.then(
      (stats): PublishStats | Error => stats,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
    const random = seededRandom(profile.seed ^ 0xfa17);
    const counts = { kills: 0, natsRestarts: 0, pgRestarts: 0 };
    for (const fault of planFaults(profile)) {
      const due = progress.reach(Math.ceil(fault.at * profile.events)).then(() => undefined);
      const failed = await Promise.race([due, published]);
      if (failed instanceof Error) throw failed;
      await sleep(random() * 250);
      await inject(fault, { fleet, nats, postgres, counts, random, note, everyPartition });
    }
    const stats = await published;
    if (stats instanceof Error) throw stats;
    note(`published ${profile.events} events (${stats.retries} retried appends); faults done`);
    lap('publish');

    const outputs = new TopicTail(log, CHAOS.output, profile.partitions);
    const done = await settle(outputs, profile, note);
    if (!done) note(`outputs incomplete after ${profile.settleTimeoutMs} ms; verifying what is there`);
    lap('settle');
    await fleet.stopAll();
    note('stage instances drained');
    lap('drain');

    // Drained: nothing more can appear, so one more poll completes the outputs.
    await outputs.poll();
    const [deadLetters, inputs] = await Promise.all([
      readAll(log, `${CHAOS.stage}.dead-letter`, profile.partitions),
      readAll(log, CHAOS.input, profile.partitions),
    ]);
    const store = new PgStore({ url: postgres.url, maxConnections: 4 });
    const [verdict, partitions] = await Promise.all([
      verify({
        events: stats.events,
        reference: referenceOf(plan),
        outputs: outputs.records,
        deadLetters,
        inputs,
        store,
        partitions: profile.partitions,
      }),
      partitionState(store, CHAOS.stage, stats.events),
    ]).finally(() => store.close());
    lap('verify');
    seconds.total = round((performance.now() - started) / 1000);
    keepLogs = verdict.lost + verdict.duplicated + verdict.mismatched > 0 || fleet.unexpectedExits.length > 0;
    return {
      events: profile.events,
      ...counts,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      mismatched: verdict.mismatched,
      details: {
        ...verdict.details,
        seconds: seconds as ChaosReport['details']['seconds'],
        unexpectedExits: fleet.unexpectedExits,
        publishRetries: stats.retries,
        publishDuplicates: stats.duplicates,
        partitions,
        logDir: keepLogs ? logDir : '(removed)',
      },
    };
  } finally {
    await fleet?.killAll();
    await log?.close();
    await Promise.all([nats.dispose(), postgres.dispose()]);
    if (keepLogs) note(`stage logs kept in ${logDir}`);
    else rmSync(logDir, { recursive: true, force: true });
  }
}

interface FaultContext {
  readonly fleet: StageFleet;
  readonly nats: NatsServer;
  readonly postgres: PostgresCluster;
  readonly counts: { kills: number; natsRestarts: number; pgRestarts: number };
  readonly random: () => number;
  readonly note: (line: string) => void;
  readonly everyPartition: readonly number[];
}

async function inject(fault: Fault, ctx: FaultContext): Promise<void> {
  const { fleet, counts, note } = ctx;
  const pick = (): string => {
    const owners = fleet.owners();
    const owner = owners[Math.floor(ctx.random() * owners.length)];
    if (owner === undefined) throw new Error('no stage instance runs to kill');
    return owner;
  };
  switch (fault.kind) {
    case 'kill':
      await fleet.kill(pick(), { restart: true });
      counts.kills++;
      return;
    case 'kill-for-good':
      await fleet.kill(pick(), { restart: false });
      counts.kills++;
      return;
    case 'nats-restart':
      note('restarting NATS');
      await ctx.nats.restart('SIGTERM');
      counts.natsRestarts++;
      note('NATS is back');
      return;
    case 'pg-restart':
      // Immediate: a crash of the server; it recovers from its WAL on start.
      note('restarting PostgreSQL (immediate shutdown)');
      await ctx.postgres.restart('immediate');
      counts.pgRestarts++;
      note('PostgreSQL is back');
      return;
    case 'scale-out':
      note(`draining ${SOLO}, starting ${TRIO.join(', ')} sharing the partitions through leases`);
      await fleet.stop(SOLO);
      await Promise.all(TRIO.map((owner) => fleet.start(owner)));
      return;
  }
}

/** Follows the output topic until every event has an output, or the timeout. */
async function settle(
  tail: TopicTail,
  profile: ChaosProfile,
  note: (line: string) => void,
): Promise<boolean> {
  const seen = new Set<number>();
  const deadline = Date.now() + profile.settleTimeoutMs;
  let reported = 0;
  while (Date.now() < deadline) {
    const from = tail.records.length;
    await tail.poll().catch((error: unknown) => note(`reading outputs failed (${String(error)}); retrying`));
    for (const r of tail.records.slice(from)) {
      const e = (r.payload as { e?: unknown }).e;
      if (typeof e === 'number') seen.add(e);
    }
    if (seen.size >= profile.events) return true;
    if (Date.now() - reported > 5_000) {
      note(`${seen.size}/${profile.events} events have their output`);
      reported = Date.now();
    }
    await sleep(250);
  }
  return false;
}

async function readAll(log: JetStreamLog, subject: string, partitions: number) {
  const tail = new TopicTail(log, subject, partitions);
  await tail.poll();
  return tail.records;
}

/** Published count, with waiters for thresholds. */
class Progress {
  #count = 0;
  #waiters: { readonly at: number; readonly resolve: () => void }[] = [];

  set(count: number): void {
    this.#count = count;
    const due = this.#waiters.filter((w) => w.at <= count);
    this.#waiters = this.#waiters.filter((w) => w.at > count);
    for (const w of due) w.resolve();
  }

  reach(at: number): Promise<void> {
    if (this.#count >= at) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ at, resolve }));
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
