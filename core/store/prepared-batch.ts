import { JournalConflictError } from '../errors/journal-conflict-error.ts';
import { UnstorableValueError } from '../errors/unstorable-value-error.ts';
import { prepareMemories } from './memory-changes.ts';
import {
  checkHeaders,
  checkInt32,
  checkInteger,
  checkJson,
  checkKey,
  checkName,
  checkText,
  checkTime,
} from './storable.ts';
import type {
  CommitBatch,
  JournalEvent,
  Json,
  KeyProgress,
  MemoryChange,
  OutboxRow,
  Snapshot,
  TimerRow,
} from './store.ts';

export type TimerId = Pick<TimerRow, 'actor' | 'key' | 'name'>;

/**
 * A commit batch checked and reduced to what the stores write, the same way
 * for every store:
 * - events: a version twice in the batch is a `JournalConflictError`;
 * - snapshots: the last one per (actor, key, version) wins;
 * - outbox: the first row per msg id wins (a msg id names one message, as in the log);
 * - progress: the highest seq and the highest timer serial per key;
 * - timers: the last set per (actor, key, name) wins, and a timer both set and
 *   deleted is set (deletes apply first).
 */
export interface PreparedBatch {
  readonly stage: string;
  readonly partition: number;
  readonly epoch: number;
  readonly events: readonly JournalEvent[];
  readonly snapshots: readonly Snapshot[];
  readonly keepSnapshots: number;
  readonly outbox: readonly OutboxRow[];
  readonly outboxDeleted: readonly string[];
  readonly progress: readonly Required<KeyProgress>[];
  readonly timersSet: readonly TimerRow[];
  readonly timersDeleted: readonly TimerId[];
  readonly watermark: number | undefined;
  readonly eventTimeWatermark: number | undefined;
  readonly appliedOrigins: Json | undefined;
  readonly originSequences: Json | undefined;
  /** The last write of each memory record, checked. */
  readonly memories: readonly MemoryChange[];
}

/** Separator of composite map keys: checked text never holds NUL. */
const SEP = '\u0000';

/**
 * Checks every value of `batch` (throwing `UnstorableValueError` or, for a
 * version repeated within the batch, `JournalConflictError`) and reduces it as
 * `PreparedBatch` describes. Nothing is copied: rows are the caller's objects.
 */
export function prepareBatch(batch: CommitBatch): PreparedBatch {
  const stage = checkText(batch.stage, 'batch.stage');
  const partition = checkInt32(batch.partition, 'batch.partition', 0);
  const epoch = checkInteger(batch.epoch, 'batch.epoch', 0);
  const keepSnapshots = checkInteger(batch.keepSnapshots, 'batch.keepSnapshots', 1);
  const watermark =
    batch.watermark === undefined ? undefined : checkInteger(batch.watermark, 'batch.watermark', 0);
  const eventTimeWatermark =
    batch.eventTimeWatermark === undefined
      ? undefined
      : checkTime(batch.eventTimeWatermark, 'batch.eventTimeWatermark');
  const samePartition = (row: { stage: string; partition: number }, path: string): void => {
    if (row.stage !== stage || row.partition !== partition) {
      throw new UnstorableValueError(
        path,
        `the row belongs to stage "${String(row.stage)}" partition ${String(row.partition)}, not to the batch's stage "${stage}" partition ${partition}`,
      );
    }
  };

  const versions = new Set<string>();
  batch.events.forEach((e, i) => {
    const at = `events[${i}]`;
    checkText(e.actor, `${at}.actor`);
    checkKey(e.key, `${at}.key`);
    checkInteger(e.version, `${at}.version`, 1);
    checkText(e.type, `${at}.type`);
    checkInt32(e.schemaVersion, `${at}.schemaVersion`, 0);
    checkJson(e.data, `${at}.data`);
    checkInteger(e.inputSeq, `${at}.inputSeq`, 0);
    checkTime(e.eventTime, `${at}.eventTime`);
    const id = e.actor + SEP + e.key + SEP + e.version;
    if (versions.has(id)) throw new JournalConflictError(e.actor, e.key, e.version, true);
    versions.add(id);
  });

  const snapshots = new Map<string, Snapshot>();
  batch.snapshots.forEach((s, i) => {
    const at = `snapshots[${i}]`;
    checkText(s.actor, `${at}.actor`);
    checkKey(s.key, `${at}.key`);
    checkInteger(s.version, `${at}.version`, 0);
    checkJson(s.state, `${at}.state`);
    const id = s.actor + SEP + s.key + SEP + s.version;
    snapshots.delete(id);
    snapshots.set(id, s);
  });

  const outbox = new Map<string, OutboxRow>();
  batch.outbox.forEach((o, i) => {
    const at = `outbox[${i}]`;
    samePartition(o, at);
    checkText(o.msgId, `${at}.msgId`);
    checkText(o.subject, `${at}.subject`);
    checkKey(o.key, `${at}.key`);
    checkJson(o.payload, `${at}.payload`);
    checkHeaders(o.headers, `${at}.headers`);
    checkTime(o.eventTime, `${at}.eventTime`);
    checkInteger(o.position, `${at}.position`, Number.MIN_SAFE_INTEGER);
    checkInteger(o.originSeq, `${at}.originSeq`, 0);
    if (!outbox.has(o.msgId)) outbox.set(o.msgId, o);
  });

  const outboxDeleted = batch.outboxDeleted ?? [];
  outboxDeleted.forEach((id, i) => {
    checkText(id, `outboxDeleted[${i}]`);
  });

  const progress = new Map<string, { seq: number; timerSerial: number }>();
  batch.progress.forEach((p, i) => {
    checkKey(p.key, `progress[${i}].key`);
    const seq = checkInteger(p.seq, `progress[${i}].seq`, 0);
    const timerSerial =
      p.timerSerial === undefined ? 0 : checkInteger(p.timerSerial, `progress[${i}].timerSerial`, 0);
    const prev = progress.get(p.key);
    progress.set(p.key, {
      seq: Math.max(prev?.seq ?? 0, seq),
      timerSerial: Math.max(prev?.timerSerial ?? 0, timerSerial),
    });
  });

  const deleted = new Map<string, TimerId>();
  batch.timersDeleted.forEach((t, i) => {
    const at = `timersDeleted[${i}]`;
    checkText(t.actor, `${at}.actor`);
    checkKey(t.key, `${at}.key`);
    checkName(t.name, `${at}.name`);
    deleted.set(t.actor + SEP + t.key + SEP + t.name, t);
  });
  const timers = new Map<string, TimerRow>();
  batch.timersSet.forEach((t, i) => {
    const at = `timersSet[${i}]`;
    samePartition(t, at);
    checkText(t.actor, `${at}.actor`);
    checkKey(t.key, `${at}.key`);
    checkName(t.name, `${at}.name`);
    if (t.kind !== 'event' && t.kind !== 'processing') {
      throw new UnstorableValueError(`${at}.kind`, `expected 'event' or 'processing', got ${String(t.kind)}`);
    }
    checkTime(t.at, `${at}.at`);
    checkInteger(t.serial, `${at}.serial`, 0);
    const id = t.actor + SEP + t.key + SEP + t.name;
    deleted.delete(id);
    timers.delete(id);
    timers.set(id, t);
  });

  return {
    stage,
    partition,
    epoch,
    events: batch.events,
    snapshots: [...snapshots.values()],
    keepSnapshots,
    outbox: [...outbox.values()],
    outboxDeleted,
    progress: [...progress].map(([key, p]) => ({ key, seq: p.seq, timerSerial: p.timerSerial })),
    timersSet: [...timers.values()],
    timersDeleted: [...deleted.values()],
    watermark,
    eventTimeWatermark,
    appliedOrigins:
      batch.appliedOrigins === undefined
        ? undefined
        : checkJson(batch.appliedOrigins, 'batch.appliedOrigins'),
    originSequences:
      batch.originSequences === undefined
        ? undefined
        : checkJson(batch.originSequences, 'batch.originSequences'),
    memories: prepareMemories(batch.memories),
  };
}
