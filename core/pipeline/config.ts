import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { AckMode, Log } from '../log/log.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { Store } from '../store/store.ts';

/**
 * Where a pipeline runs and how. Only `name`, `log` and `store` are needed;
 * every other setting has its default here (and only here).
 *
 * @example
 * pipeline({ name: 'voc', log, store, commitEvery: 200, metrics: registry }, flow);
 */
export interface PipelineConfig {
  /** Names the durable consumers, the watermarks, the msg ids and internal subjects. Keep it stable. */
  readonly name: string;
  readonly log: Log;
  readonly store: Store;
  /**
   * Partitions this instance owns, claimed outright (fencing any other owner).
   * Default: none fixed; the instances share all partitions through leases.
   */
  readonly partitions?: readonly number[];
  /** Identifies this instance among the owners; unique per instance. Default: host and pid. */
  readonly owner?: string;
  /**
   * Lease length when instances share partitions, on the database's clock;
   * renewed every third of it. A dead instance's partitions move after this long.
   * Default 10 000 ms.
   */
  readonly leaseMs?: number;
  /** Commit once this many tasks finished... Default 500. */
  readonly commitEvery?: number;
  /** ...or this long after the first one. Default 20 ms. */
  readonly commitIntervalMs?: number;
  /** Idle keys beyond this many per partition are passivated, least recently used first. Default 100 000. */
  readonly maxActiveKeys?: number;
  /** Unacknowledged deliveries per partition: the in-flight bound. Default 2 000. */
  readonly maxInFlight?: number;
  /**
   * How input is consumed. `explicit` (default): a durable consumer whose
   * acks the log records. `none`: an ordered, ack-less read from the committed
   * watermark (JetStream: an ordered consumer; the input topic must have
   * `limits` retention) — fewer round trips, and exactly once still holds.
   */
  readonly acks?: AckMode;
  /** The input consumer's ack wait. Default: the log's (30 000 ms). */
  readonly ackWaitMs?: number;
  /** Event-time timers fire once the partition's event time minus this passes them. Default 0. */
  readonly allowedLatenessMs?: number;
  /** How often processing-time timers are checked. Default 100 ms. */
  readonly timerTickMs?: number;
  /**
   * How often (at most) a partition tells the partitions after a keyBy (and
   * `to(subject, { watermarks: true })` subjects) how far its event time got,
   * once it moved. Windows after a keyBy close on the minimum of what the
   * partitions before it said. Default 200 ms.
   */
  readonly watermarkIntervalMs?: number;
  /**
   * A partition with no input this long says so downstream, and the
   * partitions after a keyBy stop waiting for its event time (Flink's
   * idleness): without it, one silent input partition holds every window
   * after a keyBy. The moment it is said depends on the wall clock, so two
   * runs can differ in which records come late; once said it is a record of
   * the hop, and a replay sees it where it was. `false` never says it.
   * Default 10 000 ms.
   */
  readonly idleTimeoutMs?: number | false;
  /**
   * Wait before restarting a partition that failed on its infrastructure (a
   * lost connection, a server down, a failed commit); it doubles with each
   * failure until the partition commits again, up to `maxRestartDelayMs`,
   * with ±20% jitter. Default 500 ms. (A bad record never fails a partition:
   * it becomes a dead letter.)
   */
  readonly restartDelayMs?: number;
  /** The cap of the restart backoff. Default 30 000 ms. */
  readonly maxRestartDelayMs?: number;
  /** Partitions of the topics the pipeline creates (outputs, dead letters, keyBy hops). Default: the input's. */
  readonly outputPartitions?: number;
  /** Dead-letter subject. Default `<name>.dead-letter`. */
  readonly deadLetter?: string;
  /** The wall clock of `ctx.now` and processing-time timers. Default `Date.now`. */
  readonly clock?: () => number;
  readonly logger?: Logger;
  /** Registers the Prometheus metrics (`eddy_stage_*`) there. */
  readonly metrics?: Registry;
}

/** The settings with every default filled in, resolved once. */
export interface ResolvedConfig {
  readonly name: string;
  readonly log: Log;
  readonly store: Store;
  readonly partitions: readonly number[] | undefined;
  readonly owner: string;
  readonly leaseMs: number;
  readonly commitEvery: number;
  readonly commitIntervalMs: number;
  readonly maxActiveKeys: number;
  readonly maxInFlight: number;
  readonly acks: AckMode;
  readonly ackWaitMs: number | undefined;
  readonly allowedLatenessMs: number;
  readonly timerTickMs: number;
  readonly watermarkIntervalMs: number;
  readonly idleTimeoutMs: number | undefined;
  readonly restartDelayMs: number;
  readonly maxRestartDelayMs: number;
  readonly outputPartitions: number | undefined;
  readonly deadLetter: string;
  readonly clock: () => number;
  readonly logger: Logger;
  readonly metrics: Registry | undefined;
}

export function resolveConfig(config: PipelineConfig): ResolvedConfig {
  return {
    name: config.name,
    log: config.log,
    store: config.store,
    partitions: config.partitions,
    owner: config.owner ?? `${hostname()}:${process.pid}`,
    leaseMs: config.leaseMs ?? 10_000,
    commitEvery: config.commitEvery ?? 500,
    commitIntervalMs: config.commitIntervalMs ?? 20,
    maxActiveKeys: config.maxActiveKeys ?? 100_000,
    maxInFlight: config.maxInFlight ?? 2_000,
    acks: config.acks ?? 'explicit',
    ackWaitMs: config.ackWaitMs,
    allowedLatenessMs: config.allowedLatenessMs ?? 0,
    timerTickMs: config.timerTickMs ?? 100,
    watermarkIntervalMs: config.watermarkIntervalMs ?? 200,
    idleTimeoutMs: config.idleTimeoutMs === false ? undefined : (config.idleTimeoutMs ?? 10_000),
    restartDelayMs: config.restartDelayMs ?? 500,
    maxRestartDelayMs: config.maxRestartDelayMs ?? 30_000,
    outputPartitions: config.outputPartitions,
    deadLetter: config.deadLetter ?? `${config.name}.dead-letter`,
    clock: config.clock ?? Date.now,
    logger: config.logger ?? silentLogger,
    metrics: config.metrics,
  };
}
