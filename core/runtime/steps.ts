import type { JournalEvent, Json } from '../store/store.ts';
import type { Unit } from './unit.ts';

/** Reserved journal type for recorded ctx results; `evolve` never sees it. */
export const STEP_EVENT = '$step';

export interface StepRecord {
  readonly index: number;
  readonly kind: 'now' | 'run';
  readonly name: string;
  readonly value: Json;
}

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
  slot: { readonly key: string; version: number },
  task: string,
  steps: readonly StepRecord[],
  now: number,
): Unit {
  const events: JournalEvent[] = steps.map((step) => ({
    actor,
    key: slot.key,
    version: ++slot.version,
    type: STEP_EVENT,
    schemaVersion: 1,
    data: { task, ...step },
    inputSeq: task.startsWith('seq:') ? Number(task.slice(4)) : 0,
    eventTime: now,
  }));
  return {
    key: slot.key,
    inputSeq: undefined,
    events,
    snapshot: undefined,
    outputs: [],
    timersSet: [],
    timersDeleted: [],
    timerSerial: undefined,
    deliveries: [],
  };
}
