import type { JournalEvent, Json } from '../store/store.ts';
import { isStepRecord, STEP_EVENT, type StepRecord } from './steps.ts';

/**
 * The member that marks a reference to a step's result in a journaled event.
 * An event object (or one of its top-level fields) made of `$step` and at
 * most `type` is a reference; event fields named `$step` are reserved.
 */
export const STEP_REF = '$step';

/** Which step's result: the `$step` record of this call (task id) and call index. */
export interface StepRef {
  readonly task: string;
  readonly index: number;
}

/**
 * What a journaled event holds in place of a step's result that the journal
 * has already (the step's own record): the reference, and the result's `type`
 * when it has one, so that a person reading the raw journal still sees what
 * kind of event or record it is.
 */
export function stepRefTo(value: Json, ref: StepRef): { readonly [k: string]: Json } {
  const type = isRecord(value) ? value.type : undefined;
  const at = { task: ref.task, index: ref.index };
  return typeof type === 'string' ? { type, [STEP_REF]: at } : { [STEP_REF]: at };
}

/**
 * The steps recorded in one actor instance's journal, gathered while reading
 * it in version order, to put step results back into the events that refer
 * to them. A step's record always comes before the events of its call, so a
 * reader that feeds it every event in order finds each one it needs.
 */
export class RecordedSteps {
  /** By call id (the record's `task`), in journal order. */
  readonly byTask = new Map<string, StepRecord[]>();

  /** Takes `event` if it is a step record (true), to be skipped by `evolve`. */
  take(event: JournalEvent): boolean {
    if (event.type !== STEP_EVENT) return false;
    const data = event.data as { task?: unknown };
    // A malformed record is skipped like any other step record, but never referred to.
    if (typeof data.task === 'string' && isStepRecord(event.data)) {
      const list = this.byTask.get(data.task) ?? [];
      list.push(event.data);
      this.byTask.set(data.task, list);
    }
    return true;
  }

  /**
   * The event's data as `evolve` saw it when it was decided: each reference
   * replaced by the step's result. A reference to a step the journal does not
   * hold means a damaged journal: evolving the reference itself would corrupt
   * the state silently, so it throws.
   */
  resolve(event: JournalEvent): Json {
    const data = event.data;
    if (!isRecord(data)) return data;
    const whole = refIn(data);
    if (whole) return this.#find(event, whole);
    let resolved: Record<string, Json> | undefined;
    for (const name of Object.keys(data)) {
      const ref = refIn(data[name]);
      if (!ref) continue;
      resolved ??= { ...data };
      resolved[name] = this.#find(event, ref);
    }
    return resolved ?? data;
  }

  #find(event: JournalEvent, ref: StepRef): Json {
    const step = this.byTask.get(ref.task)?.find((s) => s.index === ref.index);
    if (!step) {
      throw new Error(
        `event ${event.version} (${event.type}) of actor "${event.actor}", key ${JSON.stringify(event.key)} refers to step ${ref.index} of ${ref.task}, which its journal does not hold`,
      );
    }
    return step.value;
  }
}

function refIn(value: Json | undefined): StepRef | undefined {
  if (!isRecord(value)) return undefined;
  const at = value[STEP_REF];
  if (!isRecord(at)) return undefined;
  for (const name of Object.keys(value)) if (name !== STEP_REF && name !== 'type') return undefined;
  const { task, index } = at;
  return typeof task === 'string' && typeof index === 'number' ? { task, index } : undefined;
}

function isRecord(value: Json | undefined): value is { readonly [k: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
