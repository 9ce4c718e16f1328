/** JSON-compatible data: what journals, snapshots and outboxes hold. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };

/** One journaled event of one actor instance. */
export interface JournalEvent {
  readonly actor: string;
  readonly key: string;
  /** 1, 2, 3, ... per (actor, key); unique. */
  readonly version: number;
  readonly type: string;
  /** Schema version of this event type when written; upcasters lift older ones. */
  readonly schemaVersion: number;
  readonly data: Json;
  /** Input sequence that produced the event (0 when not from an input, e.g. a timer). */
  readonly inputSeq: number;
  readonly eventTime: number;
}

export interface Snapshot {
  readonly actor: string;
  readonly key: string;
  /** Journal version the state includes. */
  readonly version: number;
  readonly state: Json;
}

/** An outgoing message, written in the commit and published after it. */
export interface OutboxRow {
  readonly stage: string;
  readonly partition: number;
  /** Deterministic: stage, partition, input seq and output index. */
  readonly msgId: string;
  readonly subject: string;
  readonly key: string;
  readonly payload: Json;
  readonly headers: Readonly<Record<string, string>>;
  readonly eventTime: number;
  /** Publish order within the partition. */
  readonly position: number;
  /**
   * Sequence of this output among the partition's outputs to the same
   * destination partition (1, 2, 3, ...), which downstream stages deduplicate
   * by; 0 when the destination is not numbered.
   */
  readonly originSeq: number;
}

/** A timer kept as state: (actor, key, name) is unique. */
export interface TimerRow {
  readonly actor: string;
  readonly key: string;
  readonly name: string;
  readonly kind: 'event' | 'processing';
  readonly at: number;
  readonly stage: string;
  readonly partition: number;
  /**
   * Which setting of the key's timers this is (the key's timer serial when it
   * was set): names one firing, so a timer set again with the same name and
   * time after it fired is a new firing with its own outputs and steps.
   */
  readonly serial: number;
}

/**
 * A key's progress in (stage, partition). A stage writes it only where the
 * partition watermark does not cover it (a key that ran ahead of a slow one),
 * or with a new timer serial: a restart re-reads from the watermark, so only
 * inputs above it need telling apart.
 */
export interface KeyProgress {
  readonly key: string;
  /** Highest input seq applied for this key in (stage, partition); the store keeps the highest. */
  readonly seq: number;
  /** Highest timer serial the key handed out in (stage, partition); the store keeps the highest. */
  readonly timerSerial?: number;
}

/**
 * Everything one commit writes, atomically. The commit fails with
 * `FencedError` unless `epoch` is the partition's current ownership epoch.
 */
export interface CommitBatch {
  readonly stage: string;
  readonly partition: number;
  readonly epoch: number;
  readonly events: readonly JournalEvent[];
  readonly snapshots: readonly Snapshot[];
  /** Keep this many newest snapshots per (actor, key) written in this batch; older ones are deleted. */
  readonly keepSnapshots: number;
  readonly outbox: readonly OutboxRow[];
  /**
   * Msg ids of this partition's outbox rows published since they were
   * committed: the commit deletes them (ids not in the outbox are ignored), so a
   * busy partition needs no statement of its own for it (`deleteOutbox`).
   */
  readonly outboxDeleted?: readonly string[];
  readonly progress: readonly KeyProgress[];
  readonly timersSet: readonly TimerRow[];
  readonly timersDeleted: readonly Pick<TimerRow, 'actor' | 'key' | 'name'>[];
  /** New partition watermark: every input at or below it is done. Omit to leave it. */
  readonly watermark?: number;
  /** Highest input event time at or below the watermark. */
  readonly eventTimeWatermark?: number;
  /** Replaces the partition's applied origin sequences (see `AppliedOrigins`). Omit to leave them. */
  readonly appliedOrigins?: Json;
  /** Replaces the partition's last origin sequence per destination (see `OriginSequencer`). Omit to leave them. */
  readonly originSequences?: Json;
  /**
   * Long-term memory writes, in order (a later one for the same record wins),
   * in the same transaction as the rest. Their collections must exist.
   */
  readonly memories?: readonly MemoryChange[];
}

/** One long-term memory record as a commit writes it (see `eddy/memory`); plain JSON, so steps can journal it. */
export type MemoryRow = {
  readonly collection: string;
  readonly namespace: string;
  readonly id: string;
  readonly text: string;
  readonly embedding: readonly number[];
  readonly metadata: { readonly [key: string]: Json };
  /** When it was written, ms since the epoch. */
  readonly at: number;
  /** null: never expires. */
  readonly expiresAt: number | null;
};

/** A long-term memory write that commits with the journal of the input that made it. */
export type MemoryChange =
  | { readonly kind: 'upsert'; readonly row: MemoryRow }
  | {
      readonly kind: 'delete';
      readonly collection: string;
      readonly namespace: string;
      readonly id: string;
    };

/** The partition's ownership as a claim returns it. */
export interface PartitionClaim {
  readonly stage: string;
  readonly partition: number;
  readonly owner: string;
  /** Fencing token: strictly increases with every claim. */
  readonly epoch: number;
  readonly watermark: number;
  readonly eventTimeWatermark: number;
  /** What the partition applied of each upstream origin, as committed. */
  readonly appliedOrigins: Json;
  /** The partition's last origin sequence per destination, as committed. */
  readonly originSequences: Json;
}

/** A partition's lease as `renew` names it. */
export interface HeldLease {
  readonly partition: number;
  readonly epoch: number;
}

/** What recovery of one actor instance needs. */
export interface ActorRecord {
  readonly snapshot: Snapshot | undefined;
  /** Journal events after the snapshot's version, in version order. */
  readonly events: readonly JournalEvent[];
  /** Highest applied input seq for the key, 0 if none. */
  readonly lastAppliedSeq: number;
  /** Highest timer serial the key handed out, 0 if none: the next setting gets a higher one. */
  readonly timerSerial: number;
}

/**
 * Durable state of eddy stages: journal, snapshots, outbox, per-key progress,
 * timers and partition ownership. Implemented by `PgStore` (production),
 * `PgliteStore` (embedded default) and `MemoryStore` (tests); all pass
 * `test/conformance/store.ts`.
 *
 * @example
 * const claim = await store.claim('billing', 0, 'host-1');
 * await store.commit({ stage: 'billing', partition: 0, epoch: claim.epoch, events, ...rest });
 */
export interface Store {
  /** Creates or upgrades the schema; safe to call concurrently and repeatedly. */
  migrate(): Promise<void>;
  /**
   * Takes ownership of a partition unconditionally, with no lease: bumps its
   * epoch, fencing off the previous owner. For static assignment; instances
   * that share partitions use `acquire`/`renew`/`release` instead.
   */
  claim(stage: string, partition: number, owner: string): Promise<PartitionClaim>;
  /**
   * Takes a partition for `leaseMs` (the database's clock) when nobody holds a
   * live lease on it, or `owner` itself does (a restarted instance); bumps the
   * epoch. Resolves `undefined` when another owner's lease is live. A commit
   * fails with `FencedError` once its epoch's lease has run out.
   */
  acquire(
    stage: string,
    partition: number,
    owner: string,
    leaseMs: number,
  ): Promise<PartitionClaim | undefined>;
  /** Extends the leases `owner` still holds at those epochs; resolves the partitions it extended. */
  renew(
    stage: string,
    owner: string,
    leases: readonly HeldLease[],
    leaseMs: number,
  ): Promise<readonly number[]>;
  /** Ends a lease at once (after draining) so another instance can take the partition. */
  release(stage: string, lease: HeldLease): Promise<void>;
  /**
   * Records `owner` as a live member of the stage for `leaseMs` and resolves
   * every live member, sorted: instances divide the partitions by this list.
   * `leaseMs` 0 leaves at once.
   */
  members(stage: string, owner: string, leaseMs: number): Promise<readonly string[]>;
  commit(batch: CommitBatch): Promise<void>;
  /** Latest snapshot, the journal after it, and the key's last applied seq in (stage, partition). */
  load(actor: string, key: string, stage: string, partition: number): Promise<ActorRecord>;
  /**
   * `load` of many keys of one actor at once, in the order of `keys` (a key
   * named twice gets its record twice): one statement for the lot, which is
   * how a partition loads the keys a restart or a burst brings.
   */
  loadMany(
    actor: string,
    keys: readonly string[],
    stage: string,
    partition: number,
  ): Promise<readonly ActorRecord[]>;
  /** The journal of one actor instance from `fromVersion` (inclusive), in order. */
  journal(actor: string, key: string, fromVersion?: number): Promise<readonly JournalEvent[]>;
  /** All snapshots of one actor instance kept, oldest first. */
  snapshots(actor: string, key: string): Promise<readonly Snapshot[]>;
  /** Keys of an actor with any journal, for replay tools. */
  keys(actor: string): Promise<readonly string[]>;
  /** Outbox rows of a partition in publish order. */
  outbox(stage: string, partition: number): Promise<readonly OutboxRow[]>;
  /** Removes published rows. Not fenced: deleting a published row is always safe. */
  deleteOutbox(stage: string, partition: number, msgIds: readonly string[]): Promise<void>;
  timers(stage: string, partition: number): Promise<readonly TimerRow[]>;
  close(): Promise<void>;
}
