import type { Registry } from 'prom-client';
import type { ZodType } from 'zod';
import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import type { Envelope } from '../envelope.ts';
import type { AckMode, Log } from '../log/log.ts';
import type { Logger } from '../logger.ts';
import type { Json, Store } from '../store/store.ts';

export interface StageOptions<S extends Json, I, E extends ActorEvent, O extends Json> {
  /** Stage name: names the durable consumers, the watermarks and the msg ids. Keep it stable. */
  readonly name: string;
  readonly log: Log;
  readonly store: Store;
  /** Input subject; its topic must exist (see `Log.ensureTopic`). */
  readonly input: string;
  /** Output subject for `ctx.emit`; its topic is created with `outputPartitions`. */
  readonly output?: string;
  readonly outputPartitions?: number;
  /** Dead-letter subject. Default `<name>.dead-letter`. */
  readonly deadLetter?: string;
  readonly actor: ActorDefinition<S, I, E, O>;
  /** Input schema for the default JSON decoder. */
  readonly schema?: ZodType<I>;
  /** Replaces the JSON decoder. */
  readonly decode?: (payload: Uint8Array, envelope: Envelope<Uint8Array>) => I;
  /**
   * Partitions this instance owns, claimed outright (fencing any other owner).
   * Default: none fixed; the stage's instances share all partitions through leases.
   */
  readonly partitions?: readonly number[];
  /** Identifies this instance among the stage's owners; unique per instance. Default: host and pid. */
  readonly owner?: string;
  /**
   * Lease length when instances share partitions, on the database's clock;
   * renewed every third of it. A dead instance's partitions move after this long.
   * Default 10 000 ms.
   */
  readonly leaseMs?: number;
  readonly commitEvery?: number;
  readonly commitIntervalMs?: number;
  readonly maxActiveKeys?: number;
  /** Unacknowledged deliveries per partition: the in-flight bound. Default 2 000. */
  readonly maxInFlight?: number;
  /**
   * How the input is consumed. `explicit` (default): a durable consumer whose
   * acks the log records. `none`: an ordered, ack-less read from the committed
   * watermark (JetStream: an ordered consumer; the input topic must have
   * `limits` retention) — fewer round trips, and exactly once still holds,
   * because a restart re-reads from the watermark and skips per key what was
   * applied; `maxInFlight` still bounds what is buffered.
   *
   * @example
   * new Stage({ name: 'totals', log, store, input: 'orders', actor: counter, acks: 'none' });
   */
  readonly acks?: AckMode;
  readonly ackWaitMs?: number;
  readonly allowedLatenessMs?: number;
  readonly timerTickMs?: number;
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
  readonly clock?: () => number;
  readonly logger?: Logger;
  /** Registers the stage's Prometheus metrics (`eddy_stage_*`) there. */
  readonly metrics?: Registry;
}
