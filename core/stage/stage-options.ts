import type { ZodType } from 'zod';
import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import type { Envelope } from '../envelope.ts';
import type { Log } from '../log/log.ts';
import type { Logger } from '../logger.ts';
import type { RuntimeMutation } from '../runtime/runtime-options.ts';
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
  readonly ackWaitMs?: number;
  readonly allowedLatenessMs?: number;
  readonly timerTickMs?: number;
  /** Wait before restarting a partition that failed. Default 500 ms. */
  readonly restartDelayMs?: number;
  readonly clock?: () => number;
  readonly logger?: Logger;
  /** Test-only defects (see `eddy/testing`). */
  readonly mutation?: RuntimeMutation;
}
