import { hasDefect } from '../defects.ts';
import type { Origin } from '../envelope.ts';
import type { Delivery } from '../log/log.ts';
import { partitionOf } from '../log/partition-of.ts';
import type { OutputDraft, Unit } from '../runtime/unit.ts';
import type {
  CommitBatch,
  JournalEvent,
  Json,
  KeyProgress,
  MemoryChange,
  OutboxRow,
  Snapshot,
  TimerRow,
} from '../store/store.ts';
import { AppliedOrigins } from './applied-origins.ts';
import { OriginSequencer } from './origin-sequencer.ts';
import { MARKS_FIELD, type UpstreamMarks } from './upstream-marks.ts';
import { CONTROL_ROW_HEADER } from './watermark-control.ts';

/** What a batch says about event time besides its units: see `Committer`. */
export interface BatchControl {
  /** Watermark control records to publish after the units' outputs. */
  readonly drafts: readonly OutputDraft[];
  /** The upstream marks as of the watermark, kept with the applied origins when they changed. */
  readonly marks: UpstreamMarks | undefined;
  /** Msg ids of published outbox rows the commit deletes (see `PublishedOutbox`). */
  readonly outboxDeleted?: readonly string[];
}

const NO_CONTROL: BatchControl = { drafts: [], marks: undefined };

/** Numbers outputs per destination partition; without it (or for other subjects) outputs carry no origin. */
export interface OriginNumbering {
  /** Partitions of the subjects outputs go to. */
  readonly partitionsOf: (subject: string) => number | undefined;
  readonly sequences: Json;
  readonly applied: Json;
}

export interface TakenBatch {
  readonly batch: CommitBatch;
  readonly outbox: readonly OutboxRow[];
  readonly deliveries: readonly Delivery[];
  /** Units per key, to release the keys for passivation after the commit. */
  readonly unitsByKey: ReadonlyMap<string, number>;
  /** The units' records that reached the end of the steps, with their input seqs. */
  readonly results: readonly {
    readonly value: unknown;
    readonly key: string;
    readonly seq: number | undefined;
  }[];
}

/** Collects finished units between commits and turns them into one CommitBatch. */
export class CommitBuffer {
  #units: Unit[] = [];
  #nextPosition: number;
  readonly #stage: string;
  readonly #partition: number;
  readonly #partitionsOf: (subject: string) => number | undefined;
  readonly #sequencer: OriginSequencer;
  /** Origins of inputs in committed or taken batches: what the partition applied. */
  readonly #applied: AppliedOrigins;

  constructor(stage: string, partition: number, firstPosition: number, numbering?: OriginNumbering) {
    this.#stage = stage;
    this.#partition = partition;
    this.#nextPosition = firstPosition;
    this.#partitionsOf = numbering?.partitionsOf ?? (() => undefined);
    this.#sequencer = OriginSequencer.fromJson(numbering?.sequences);
    this.#applied = AppliedOrigins.fromJson(numbering?.applied);
  }

  /** Records that an input with this origin is in the next batch. */
  applied(origin: Origin): void {
    this.#applied.add(origin.id, origin.seq);
  }

  #originSeq(subject: string, key: string): number {
    const partitions = this.#partitionsOf(subject);
    if (partitions === undefined) return 0;
    return this.#sequencer.next(`${subject}/${partitionOf(key, partitions)}`);
  }

  get size(): number {
    return this.#units.length;
  }

  add(unit: Unit): void {
    this.#units.push(unit);
  }

  take(
    epoch: number,
    keepSnapshots: number,
    watermark: number,
    eventTimeWatermark: number,
    control: BatchControl = NO_CONTROL,
  ): TakenBatch {
    const units = this.#units;
    this.#units = [];
    const events: JournalEvent[] = [];
    const snapshots: Snapshot[] = [];
    const outbox: OutboxRow[] = [];
    const deliveries: Delivery[] = [];
    const progress = new Map<string, { seq: number; timerSerial: number }>();
    const timers = new Map<string, TimerRow | { actor: string; key: string; name: string; deleted: true }>();
    const unitsByKey = new Map<string, number>();
    const results: { value: unknown; key: string; seq: number | undefined }[] = [];
    const memories: MemoryChange[] = [];
    for (const unit of units) {
      if (unit.memories) for (const m of unit.memories) memories.push(m);
      for (const r of unit.results ?? []) results.push({ value: r.value, key: r.key, seq: unit.inputSeq });
      unitsByKey.set(unit.key, (unitsByKey.get(unit.key) ?? 0) + 1);
      for (const e of unit.events) events.push(e);
      for (const s of unit.snapshots) snapshots.push(s);
      for (const o of unit.outputs) outbox.push(this.#row(o));
      for (const d of unit.deliveries) deliveries.push(d);
      // A restart re-reads from the watermark, so a key's progress matters only above it: a key
      // that ran ahead of a slow one. Most inputs are below it by their commit; they write no row.
      const ahead = unit.inputSeq !== undefined && unit.inputSeq > watermark ? unit.inputSeq : 0;
      if (ahead > 0 || unit.timerSerial !== undefined) {
        const prev = progress.get(unit.key);
        progress.set(unit.key, {
          seq: Math.max(prev?.seq ?? 0, ahead),
          timerSerial: Math.max(prev?.timerSerial ?? 0, unit.timerSerial ?? 0),
        });
      }
      for (const t of unit.timersDeleted) timers.set(timerId(t), { ...t, deleted: true });
      for (const t of unit.timersSet) timers.set(timerId(t), t);
    }
    // After the outputs: a receiver takes the records before the clock they were sent under.
    for (const o of control.drafts) outbox.push(this.#row(o));
    const timersSet: TimerRow[] = [];
    const timersDeleted: { actor: string; key: string; name: string }[] = [];
    for (const t of timers.values()) {
      if ('deleted' in t) timersDeleted.push({ actor: t.actor, key: t.key, name: t.name });
      else timersSet.push(t);
    }
    const keyProgress: KeyProgress[] = [];
    for (const [key, p] of progress) keyProgress.push({ key, seq: p.seq, timerSerial: p.timerSerial });
    return {
      batch: {
        stage: this.#stage,
        partition: this.#partition,
        epoch,
        events,
        snapshots,
        keepSnapshots,
        outbox,
        ...(control.outboxDeleted?.length ? { outboxDeleted: control.outboxDeleted } : {}),
        progress: keyProgress,
        timersSet,
        timersDeleted,
        watermark,
        eventTimeWatermark,
        ...(memories.length > 0 ? { memories } : {}),
        ...this.#appliedOrigins(control.marks),
        ...(this.#sequencer.changed && !hasDefect('forget-origin-sequences')
          ? { originSequences: this.#sequencer.toJson() }
          : {}),
      },
      outbox,
      deliveries,
      unitsByKey,
      results,
    };
  }

  /** The applied origins, with the upstream marks beside them, when either changed. */
  #appliedOrigins(marks: UpstreamMarks | undefined): { appliedOrigins?: Json } {
    if (!this.#applied.changed && !marks?.changed) return {};
    const applied = this.#applied.toJson() as Record<string, Json>;
    return { appliedOrigins: marks ? { ...applied, [MARKS_FIELD]: marks.toJson() } : applied };
  }

  #row(o: OutputDraft): OutboxRow {
    const originSeq = this.#originSeq(o.subject, o.key);
    // A control record's id is its place among the outputs to its partition: unique, and the same
    // on a re-run of this commit (the sequences are committed state), where its value need not be.
    const msgId =
      o.headers[CONTROL_ROW_HEADER] === undefined
        ? o.msgId
        : `${this.#stage}:${this.#partition}:wm:${o.subject}:${partitionOf(o.key, this.#partitionsOf(o.subject) ?? 1)}:${originSeq}`;
    return {
      ...o,
      msgId,
      stage: this.#stage,
      partition: this.#partition,
      position: this.#nextPosition++,
      originSeq,
    };
  }
}

function timerId(t: { readonly actor: string; readonly key: string; readonly name: string }): string {
  return `${t.actor}\u0000${t.key}\u0000${t.name}`;
}
