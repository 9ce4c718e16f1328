import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import type { ActorRecord, Json } from '../store/store.ts';
import type { KeySlot } from './key-slot.ts';
import { isStepRecord, STEP_EVENT, type StepRecord } from './steps.ts';

/**
 * Rebuilds a key's actor instance from its latest snapshot and the journal
 * after it. Steps of tasks that did not finish are kept for their re-run;
 * `isOpen` tells which task ids are still unfinished.
 */
export function recoverSlot<S extends Json, I, E extends ActorEvent, O extends Json>(
  slot: KeySlot<S>,
  def: ActorDefinition<S, I, E, O>,
  record: ActorRecord,
  upcast: (type: string, schemaVersion: number, data: Json) => Json,
  isOpen: (taskId: string, lastApplied: number) => boolean,
): void {
  let state = record.snapshot ? (record.snapshot.state as S) : def.initial(slot.key);
  let version = record.snapshot?.version ?? 0;
  const steps = new Map<string, StepRecord[]>();
  for (const event of record.events) {
    version = event.version;
    if (event.type === STEP_EVENT) {
      const data = event.data as { task?: unknown };
      if (typeof data.task !== 'string' || !isStepRecord(event.data)) continue;
      const list = steps.get(data.task) ?? [];
      list.push(event.data);
      steps.set(data.task, list);
      continue;
    }
    const data = upcast(event.type, event.schemaVersion, event.data);
    state = def.evolve(state, data as E);
  }
  slot.state = state;
  slot.version = version;
  slot.snapshotVersion = record.snapshot?.version ?? 0;
  slot.lastApplied = record.lastAppliedSeq;
  slot.timerSerial = record.timerSerial;
  slot.steps.clear();
  for (const [task, list] of steps) {
    if (isOpen(task, record.lastAppliedSeq)) slot.steps.set(task, list);
  }
  slot.loaded = true;
}
