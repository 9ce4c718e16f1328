import { FencedError } from '../errors/fenced-error.ts';
import { JournalConflictError } from '../errors/journal-conflict-error.ts';
import { StoreClosedError } from '../errors/store-closed-error.ts';
import { compareCodePoints } from './code-point-order.ts';
import { type PreparedBatch, prepareBatch } from './prepared-batch.ts';
import { checkInt32, checkKey, checkLeaseMs, checkText, frozenJson } from './storable.ts';
import type {
  ActorRecord,
  CommitBatch,
  HeldLease,
  JournalEvent,
  Json,
  MemoryRow,
  OutboxRow,
  PartitionClaim,
  Snapshot,
  Store,
  TimerRow,
} from './store.ts';

interface Ownership {
  readonly owner: string;
  readonly epoch: number;
  /** Lease end (ms since epoch); undefined: claimed without a lease. */
  readonly leaseUntil: number | undefined;
  readonly watermark: number;
  readonly eventTimeWatermark: number;
  readonly appliedOrigins: Json;
  readonly originSequences: Json;
}

const NO_ORIGINS: Json = Object.freeze({});

interface Progress {
  readonly seq: number;
  readonly timerSerial: number;
}

/** Separator of composite map keys: stored text never holds NUL. */
const SEP = '\u0000';
const NO_SNAPSHOTS: readonly Snapshot[] = Object.freeze([]);

/** -0 comes back from PostgreSQL as 0; so it does here. */
const n = (value: number): number => value + 0;

/**
 * The in-process Store: the same semantics as PostgreSQL (atomic commits,
 * fencing, journal conflicts, snapshot pruning, monotonic progress and
 * watermarks; it passes the same conformance suite) with nothing durable.
 * Stored rows are frozen copies, so neither the batch a caller keeps nor the
 * rows a read returns can change what is stored. Use it for tests and
 * single-process experiments; use `PgliteStore` or `PgStore` to keep state.
 *
 * @example
 * const store = new MemoryStore();
 * await store.migrate();
 * const { epoch } = await store.claim('billing', 0, 'host-1');
 * await store.commit({ stage: 'billing', partition: 0, epoch, events: [], snapshots: [], keepSnapshots: 1,
 *   outbox: [], progress: [{ key: 'alice', seq: 1 }], timersSet: [], timersDeleted: [], watermark: 1 });
 */
/** A memory row as `MemoryStore.memories` gives it back. */
export type StoredMemory = MemoryRow & { readonly createdAt: number };

export class MemoryStore implements Store {
  readonly #partitions = new Map<string, Ownership>();
  /** Per (actor, key): events in version order. */
  readonly #journal = new Map<string, JournalEvent[]>();
  readonly #keys = new Map<string, Set<string>>();
  /** Per (actor, key): kept snapshots, oldest first. */
  readonly #snapshots = new Map<string, readonly Snapshot[]>();
  /** Per (stage, partition): rows by msg id. */
  readonly #outbox = new Map<string, Map<string, OutboxRow>>();
  /** Per (stage, partition): highest applied seq and timer serial by key. */
  readonly #progress = new Map<string, Map<string, Progress>>();
  /** By (actor, key, name). */
  readonly #timers = new Map<string, TimerRow>();
  /** Per stage: lease end by member. */
  readonly #members = new Map<string, Map<string, number>>();
  /** Long-term memory rows by collection, namespace and id (kept, not searched: see `memories`). */
  readonly #memories = new Map<string, StoredMemory>();
  #closed = false;

  async migrate(): Promise<void> {
    this.#open('migrate');
  }

  async claim(stage: string, partition: number, owner: string): Promise<PartitionClaim> {
    this.#open('claim');
    checkText(stage, 'stage');
    checkInt32(partition, 'partition', 0);
    checkText(owner, 'owner');
    const id = stage + SEP + partition;
    const previous = this.#partitions.get(id);
    const next: Ownership = {
      owner,
      epoch: (previous?.epoch ?? 0) + 1,
      leaseUntil: undefined,
      watermark: previous?.watermark ?? 0,
      eventTimeWatermark: previous?.eventTimeWatermark ?? 0,
      appliedOrigins: previous?.appliedOrigins ?? NO_ORIGINS,
      originSequences: previous?.originSequences ?? NO_ORIGINS,
    };
    this.#partitions.set(id, next);
    return claimOf(stage, partition, next);
  }

  async acquire(
    stage: string,
    partition: number,
    owner: string,
    leaseMs: number,
  ): Promise<PartitionClaim | undefined> {
    this.#open('acquire');
    checkText(stage, 'stage');
    checkInt32(partition, 'partition', 0);
    checkText(owner, 'owner');
    checkLeaseMs(leaseMs);
    const id = stage + SEP + partition;
    const previous = this.#partitions.get(id);
    const now = Date.now();
    const held = previous?.leaseUntil !== undefined && previous.leaseUntil > now && previous.owner !== owner;
    if (held) return undefined;
    const next: Ownership = {
      owner,
      epoch: (previous?.epoch ?? 0) + 1,
      leaseUntil: now + leaseMs,
      watermark: previous?.watermark ?? 0,
      eventTimeWatermark: previous?.eventTimeWatermark ?? 0,
      appliedOrigins: previous?.appliedOrigins ?? NO_ORIGINS,
      originSequences: previous?.originSequences ?? NO_ORIGINS,
    };
    this.#partitions.set(id, next);
    return claimOf(stage, partition, next);
  }

  async renew(
    stage: string,
    owner: string,
    leases: readonly HeldLease[],
    leaseMs: number,
  ): Promise<readonly number[]> {
    this.#open('renew');
    checkLeaseMs(leaseMs);
    const renewed: number[] = [];
    for (const lease of leases) {
      const id = stage + SEP + lease.partition;
      const current = this.#partitions.get(id);
      if (current?.owner !== owner || current.epoch !== lease.epoch) continue;
      this.#partitions.set(id, { ...current, leaseUntil: Date.now() + leaseMs });
      renewed.push(lease.partition);
    }
    return renewed.sort((a, b) => a - b);
  }

  async release(stage: string, lease: HeldLease): Promise<void> {
    this.#open('release');
    const id = stage + SEP + lease.partition;
    const current = this.#partitions.get(id);
    if (current?.epoch !== lease.epoch || current.leaseUntil === undefined) return;
    this.#partitions.set(id, { ...current, leaseUntil: Date.now() - 1 });
  }

  async members(stage: string, owner: string, leaseMs: number): Promise<readonly string[]> {
    this.#open('members');
    checkText(stage, 'stage');
    checkText(owner, 'owner');
    checkLeaseMs(leaseMs, true);
    let members = this.#members.get(stage);
    if (!members) {
      members = new Map();
      this.#members.set(stage, members);
    }
    const now = Date.now();
    members.set(owner, now + leaseMs);
    return [...members]
      .filter(([, until]) => until > now)
      .map(([m]) => m)
      .sort(compareCodePoints);
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.#open('commit');
    const b = prepareBatch(batch);
    const pid = b.stage + SEP + b.partition;
    const ownership = this.#partitions.get(pid);
    if (
      ownership?.epoch !== b.epoch ||
      (ownership.leaseUntil !== undefined && ownership.leaseUntil <= Date.now())
    ) {
      throw new FencedError(b.stage, b.partition, b.epoch);
    }
    for (const e of b.events) {
      const events = this.#journal.get(e.actor + SEP + e.key);
      if (events && indexOfVersion(events, e.version) >= 0) {
        throw new JournalConflictError(e.actor, e.key, e.version);
      }
    }
    // Everything is checked: from here on nothing throws, so the commit is all or nothing.
    this.#applyJournal(b);
    this.#applySnapshots(b);
    // Published rows of earlier commits go first; the batch's own rows are new.
    const outbox = this.#outbox.get(pid);
    for (const id of b.outboxDeleted) outbox?.delete(id);
    this.#applyOutbox(b, pid);
    this.#applyProgress(b, pid);
    this.#applyMemories(b);
    for (const t of b.timersDeleted) this.#timers.delete(t.actor + SEP + t.key + SEP + t.name);
    for (const t of b.timersSet) {
      this.#timers.set(
        t.actor + SEP + t.key + SEP + t.name,
        Object.freeze({
          actor: t.actor,
          key: t.key,
          name: t.name,
          kind: t.kind,
          at: n(t.at),
          stage: t.stage,
          partition: n(t.partition),
          serial: n(t.serial),
        }),
      );
    }
    this.#partitions.set(pid, {
      ...ownership,
      watermark: Math.max(ownership.watermark, b.watermark ?? 0),
      eventTimeWatermark: Math.max(
        ownership.eventTimeWatermark,
        b.eventTimeWatermark ?? Number.MIN_SAFE_INTEGER,
      ),
      appliedOrigins:
        b.appliedOrigins === undefined ? ownership.appliedOrigins : frozenJson(b.appliedOrigins),
      originSequences:
        b.originSequences === undefined ? ownership.originSequences : frozenJson(b.originSequences),
    });
  }

  /**
   * The long-term memory rows commits wrote to `collection`, by namespace and
   * id. MemoryStore keeps them so tests can see what an actor remembered; it
   * does not search them (recall needs `PgliteStore` or `PgStore`).
   */
  memories(collection: string): readonly StoredMemory[] {
    return [...this.#memories.values()]
      .filter((m) => m.collection === collection)
      .sort((a, b) => compareCodePoints(a.namespace + SEP + a.id, b.namespace + SEP + b.id));
  }

  #applyMemories(b: PreparedBatch): void {
    for (const c of b.memories) {
      const r = c.kind === 'upsert' ? c.row : c;
      const id = r.collection + SEP + r.namespace + SEP + r.id;
      if (c.kind === 'delete') {
        this.#memories.delete(id);
        continue;
      }
      const createdAt = this.#memories.get(id)?.createdAt ?? c.row.at;
      this.#memories.set(
        id,
        Object.freeze({
          ...c.row,
          embedding: Object.freeze([...c.row.embedding]),
          metadata: frozenJson(c.row.metadata) as StoredMemory['metadata'],
          createdAt,
        }),
      );
    }
  }

  async load(actor: string, key: string, stage: string, partition: number): Promise<ActorRecord> {
    this.#open('load');
    return this.#record(actor, key, stage, partition);
  }

  async loadMany(
    actor: string,
    keys: readonly string[],
    stage: string,
    partition: number,
  ): Promise<readonly ActorRecord[]> {
    this.#open('loadMany');
    for (const key of keys) checkKey(key, 'key');
    return keys.map((key) => this.#record(actor, key, stage, partition));
  }

  #record(actor: string, key: string, stage: string, partition: number): ActorRecord {
    checkKey(key, 'key');
    const snapshots = this.#snapshots.get(actor + SEP + key);
    const snapshot = snapshots?.[snapshots.length - 1];
    const progress = this.#progress.get(stage + SEP + partition)?.get(key);
    return {
      snapshot,
      events: this.#tail(actor, key, (snapshot?.version ?? 0) + 1),
      lastAppliedSeq: progress?.seq ?? 0,
      timerSerial: progress?.timerSerial ?? 0,
    };
  }

  async journal(actor: string, key: string, fromVersion = 1): Promise<readonly JournalEvent[]> {
    this.#open('journal');
    return this.#tail(actor, key, fromVersion);
  }

  async snapshots(actor: string, key: string): Promise<readonly Snapshot[]> {
    this.#open('snapshots');
    return this.#snapshots.get(actor + SEP + key) ?? NO_SNAPSHOTS;
  }

  async keys(actor: string): Promise<readonly string[]> {
    this.#open('keys');
    return [...(this.#keys.get(actor) ?? [])].sort(compareCodePoints);
  }

  async outbox(stage: string, partition: number): Promise<readonly OutboxRow[]> {
    this.#open('outbox');
    const rows = [...(this.#outbox.get(stage + SEP + partition)?.values() ?? [])];
    return rows.sort((a, b) => a.position - b.position || compareCodePoints(a.msgId, b.msgId));
  }

  async deleteOutbox(stage: string, partition: number, msgIds: readonly string[]): Promise<void> {
    this.#open('deleteOutbox');
    const rows = this.#outbox.get(stage + SEP + partition);
    if (!rows) return;
    for (const id of msgIds) rows.delete(id);
  }

  async timers(stage: string, partition: number): Promise<readonly TimerRow[]> {
    this.#open('timers');
    const rows: TimerRow[] = [];
    for (const t of this.#timers.values()) if (t.stage === stage && t.partition === partition) rows.push(t);
    return rows.sort(
      (a, b) =>
        compareCodePoints(a.actor, b.actor) ||
        compareCodePoints(a.key, b.key) ||
        compareCodePoints(a.name, b.name),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(operation: string): void {
    if (this.#closed) throw new StoreClosedError(operation);
  }

  #tail(actor: string, key: string, fromVersion: number): readonly JournalEvent[] {
    const events = this.#journal.get(actor + SEP + key);
    return events ? events.slice(insertionPoint(events, fromVersion)) : [];
  }

  #applyJournal(b: PreparedBatch): void {
    for (const e of b.events) {
      const id = e.actor + SEP + e.key;
      let events = this.#journal.get(id);
      if (!events) {
        events = [];
        this.#journal.set(id, events);
        let keys = this.#keys.get(e.actor);
        if (!keys) {
          keys = new Set();
          this.#keys.set(e.actor, keys);
        }
        keys.add(e.key);
      }
      const stored: JournalEvent = Object.freeze({
        actor: e.actor,
        key: e.key,
        version: e.version,
        type: e.type,
        schemaVersion: n(e.schemaVersion),
        data: frozenJson(e.data),
        inputSeq: n(e.inputSeq),
        eventTime: n(e.eventTime),
      });
      const last = events[events.length - 1];
      if (!last || last.version < e.version) events.push(stored);
      else events.splice(insertionPoint(events, e.version), 0, stored);
    }
  }

  #applySnapshots(b: PreparedBatch): void {
    const touched = new Map<string, Snapshot[]>();
    for (const s of b.snapshots) {
      const id = s.actor + SEP + s.key;
      let kept = touched.get(id);
      if (!kept) {
        kept = [...(this.#snapshots.get(id) ?? [])];
        touched.set(id, kept);
      }
      const stored = Object.freeze({
        actor: s.actor,
        key: s.key,
        version: n(s.version),
        state: frozenJson(s.state),
      });
      const same = kept.findIndex((k) => k.version === s.version);
      if (same >= 0) kept[same] = stored;
      else kept.push(stored);
    }
    for (const [id, kept] of touched) {
      kept.sort((x, y) => x.version - y.version);
      this.#snapshots.set(id, Object.freeze(kept.slice(-b.keepSnapshots)));
    }
  }

  #applyOutbox(b: PreparedBatch, pid: string): void {
    if (b.outbox.length === 0) return;
    let rows = this.#outbox.get(pid);
    if (!rows) {
      rows = new Map();
      this.#outbox.set(pid, rows);
    }
    for (const o of b.outbox) {
      if (rows.has(o.msgId)) continue;
      rows.set(
        o.msgId,
        Object.freeze({
          stage: o.stage,
          partition: n(o.partition),
          msgId: o.msgId,
          subject: o.subject,
          key: o.key,
          payload: frozenJson(o.payload),
          headers: Object.freeze({ ...o.headers }),
          eventTime: n(o.eventTime),
          position: n(o.position),
          originSeq: n(o.originSeq),
        }),
      );
    }
  }

  #applyProgress(b: PreparedBatch, pid: string): void {
    if (b.progress.length === 0) return;
    let byKey = this.#progress.get(pid);
    if (!byKey) {
      byKey = new Map();
      this.#progress.set(pid, byKey);
    }
    for (const p of b.progress) {
      const prev = byKey.get(p.key);
      byKey.set(p.key, {
        seq: Math.max(prev?.seq ?? 0, p.seq),
        timerSerial: Math.max(prev?.timerSerial ?? 0, p.timerSerial),
      });
    }
  }
}

function indexOfVersion(events: readonly JournalEvent[], version: number): number {
  const i = insertionPoint(events, version);
  return events[i]?.version === version ? i : -1;
}

/** First index whose version is at or above `version`. */
function insertionPoint(events: readonly JournalEvent[], version: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as JournalEvent).version < version) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function claimOf(stage: string, partition: number, o: Ownership): PartitionClaim {
  return Object.freeze({
    stage,
    partition: n(partition),
    owner: o.owner,
    epoch: o.epoch,
    watermark: o.watermark,
    eventTimeWatermark: o.eventTimeWatermark,
    appliedOrigins: o.appliedOrigins,
    originSequences: o.originSequences,
  });
}
