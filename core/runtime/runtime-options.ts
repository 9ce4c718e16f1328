import type { PublishedOutbox } from '../exactly-once/published-outbox.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { OutputCheck } from './unit-check.ts';

/** How a partition runtime runs its program over one claimed partition. */
export interface RuntimeOptions {
  readonly stage: string;
  readonly store: Store;
  /** Subject of dead-letter records (bad input, a throwing decide). */
  readonly deadLetterSubject: string;
  /** Commit after this many finished inputs... Default 500. */
  readonly commitEvery?: number;
  /** ...or this long after the first unfinished one. Default 20 ms. */
  readonly commitIntervalMs?: number;
  /** Idle keys beyond this many are passivated, least recently used first. Default 100 000. */
  readonly maxActiveKeys?: number;
  /** Event-time timers fire once the partition's max event time minus this passes them. Default 0. */
  readonly allowedLatenessMs?: number;
  /**
   * The input consumer's ack wait: held deliveries outstanding longer than half
   * of it are told `working()`, so slow work is not redelivered. Default
   * 30 000 ms, as the logs default.
   */
  readonly ackWaitMs?: number;
  /**
   * Partitions of an output subject, to number outputs per destination
   * partition for downstream deduplication (see `Envelope.origin`); undefined
   * for a subject leaves its outputs unnumbered.
   */
  readonly outputPartitions?: (subject: string) => number | undefined;
  /** Partitions of the input: every one of them announces its clock downstream. Default 1. */
  readonly inputPartitions?: number;
  /** At most one announcement of a moved event clock per this long (see `Announcer`). Default 200 ms. */
  readonly watermarkIntervalMs?: number;
  /** A partition with no input this long is announced idle downstream; undefined never. */
  readonly idleTimeoutMs?: number;
  /** How often processing-time timers are checked. Default 100 ms. */
  readonly timerTickMs?: number;
  readonly clock?: () => number;
  readonly logger?: Logger;
  /**
   * Asks the log outputs go to whether it takes a record (`Log.check`): an
   * output it refuses dead-letters its input before the commit. Without it,
   * outputs are checked against the store's rules only.
   */
  readonly checkOutput?: OutputCheck;
  /**
   * The published outbox rows of this partition, shared with its `sink`: each
   * commit deletes those waiting, so a busy partition needs no delete statements.
   * Without it, the sink deletes every row itself.
   */
  readonly published?: PublishedOutbox;
  /** Called when a due snapshot is skipped because no store keeps the state. */
  readonly onSnapshotSkipped?: () => void;
}
