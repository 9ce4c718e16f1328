import type { JournalEvent, Json } from '../store/store.ts';
import { seqOf } from './task.ts';
import type { Unit } from './unit.ts';

/** Reserved journal type for recorded ctx results; `evolve` never sees it. */
export const STEP_EVENT = '$step';

export interface StepRecord {
  /** Call order within the task; -1 for a named step (`runNamed`), matched by its name instead. */
  readonly index: number;
  readonly kind: 'now' | 'run';
  readonly name: string;
  readonly value: Json;
  /** Matched by name (unique within the task), not by call order: steps whose order varies between runs. */
  readonly named?: true;
}

/** The index of every named step record: outside call order, never the target of a reference. */
export const NAMED_STEP_INDEX = -1;

export function isStepRecord(data: Json): data is Json & StepRecord {
  return (
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    typeof (data as { index?: unknown }).index === 'number' &&
    typeof (data as { name?: unknown }).name === 'string'
  );
}

/**
 * The unit that journals a task's steps mid-task: one event per step, at the
 * key's next versions, so a re-run after a crash finds them (`recoverSlot`).
 */
export function stepsUnit(
  actor: string,
  key: string,
  slot: { version: number },
  task: string,
  steps: readonly StepRecord[],
  now: number,
): Unit {
  const events: JournalEvent[] = steps.map((step) => ({
    actor,
    key,
    version: ++slot.version,
    type: STEP_EVENT,
    schemaVersion: 1,
    data: { task, ...step },
    inputSeq: seqOf(task) ?? 0,
    eventTime: now,
  }));
  return {
    key,
    inputSeq: undefined,
    events,
    snapshots: [],
    outputs: [],
    timersSet: [],
    timersDeleted: [],
    timerSerial: undefined,
    deliveries: [],
  };
}
