import { hasDefect } from '../defects.ts';
import type { AppendRecord } from '../log/log.ts';
import type { Logger } from '../logger.ts';
import { prepareMemories } from '../store/memory-changes.ts';
import { memoryChangeProblem } from '../store/memory-collections.ts';
import type { JournalEvent, MemoryChange, Snapshot, TimerRow } from '../store/store.ts';
import { type Attempt, StepFailure } from './attempt.ts';
import { dueSnapshot } from './due-snapshot.ts';
import type { AnyActor } from './program.ts';
import type { RuntimeOptions } from './runtime-options.ts';
import type { TimerOp } from './step-context.ts';
import type { TimerScheduler } from './timer-scheduler.ts';
import type { Unit } from './unit.ts';
import { checkUnit, type OutputCheck, OutputRefused } from './unit-check.ts';

export interface CompleteOptions {
  readonly actors: readonly AnyActor[];
  readonly timers: TimerScheduler;
  /** Stands for the origin outputs get at their commit (size checks). */
  readonly origin: AppendRecord['origin'];
  readonly checkOutput: OutputCheck | undefined;
  /** The `snapshot-before-apply` defect. */
  readonly snapshotBeforeApply: boolean;
  /** A due snapshot was skipped: no store keeps the state. */
  skipped(key: string, reason: string): void;
}

/** The options every task of a partition completes with, made once per partition. */
export function completeOptions(
  actors: readonly AnyActor[],
  timers: TimerScheduler,
  origin: AppendRecord['origin'],
  options: RuntimeOptions,
  partition: number,
  log: Logger,
): CompleteOptions {
  const { stage } = options;
  return {
    actors,
    timers,
    origin,
    checkOutput: options.checkOutput,
    // Read per task: tests switch defects on around a run.
    get snapshotBeforeApply() {
      return hasDefect('snapshot-before-apply');
    },
    skipped: (key, reason) => {
      log.warn(
        { stage, partition, key, reason },
        'state not snapshotted: no store keeps it; recovery replays the journal instead',
      );
      options.onSnapshotSkipped?.();
    },
  };
}

/**
 * Turns an attempt whose every step succeeded into the task's unit: journal
 * rows for each actor's events (at the actor's next versions), checked with
 * the outputs and timers against what every store keeps and the log takes —
 * before anything changes, so a failure leaves the key as it was (and throws
 * the `StepFailure` of phase `store` or `output`) — then the new states,
 * due snapshots and timer settings applied to the key.
 */
export function completeAttempt(a: Attempt, o: CompleteOptions): Unit {
  const { slot, task } = a;
  const journal: JournalEvent[] = [];
  const ops: TimerOp[] = [];
  const memories: MemoryChange[] = [];
  a.actors.forEach((t, i) => {
    const def = o.actors[i];
    const actorSlot = slot.actors[i];
    if (!t || !def || !actorSlot) return;
    let version = actorSlot.version;
    for (const event of t.events) {
      journal.push({
        actor: def.name,
        key: slot.key,
        version: ++version,
        type: event.type,
        schemaVersion: def.eventVersions?.[event.type] ?? 1,
        data: event,
        inputSeq: a.seq ?? 0,
        eventTime: a.eventTime,
      });
    }
    ops.push(...t.timerOps);
    memories.push(...t.memories);
  });
  try {
    checkUnit({ events: journal, outputs: a.drafts, timers: ops }, o.origin, o.checkOutput);
    // A memory write no store keeps dead-letters its input here rather than failing the commit.
    prepareMemories(memories);
    for (const m of memories) {
      const problem = memoryChangeProblem(m);
      if (problem !== undefined) throw new TypeError(problem);
    }
  } catch (error) {
    if (error instanceof OutputRefused) throw new StepFailure('output', error.refusal, error);
    throw new StepFailure('store', error);
  }
  const snapshots: Snapshot[] = [];
  const timersSet: TimerRow[] = [];
  const timersDeleted: Unit['timersDeleted'][number][] = [];
  a.actors.forEach((t, i) => {
    const def = o.actors[i];
    const actorSlot = slot.actors[i];
    if (!t || !def || !actorSlot) return;
    actorSlot.state = t.state;
    actorSlot.version += t.events.length;
    const due = dueSnapshot(
      def,
      slot.key,
      actorSlot,
      t.events.length,
      o.snapshotBeforeApply ? t.before : t.state,
    );
    if (due.kind === 'taken') snapshots.push(due.snapshot);
    else if (due.kind === 'skipped') o.skipped(slot.key, due.reason);
    if (t.timerOps.length > 0 || (task.kind === 'timer' && task.actor === i)) {
      const changes = o.timers.changes(slot, task, i, t.timerOps);
      timersSet.push(...changes.timersSet);
      timersDeleted.push(...changes.timersDeleted);
    }
  });
  return {
    key: slot.key,
    inputSeq: a.seq,
    events: journal,
    snapshots,
    outputs: a.drafts,
    timersSet,
    timersDeleted,
    timerSerial: timersSet.length > 0 ? slot.timerSerial : undefined,
    deliveries: task.kind === 'input' ? [task.delivery] : [],
    ...(memories.length > 0 ? { memories } : {}),
  };
}
