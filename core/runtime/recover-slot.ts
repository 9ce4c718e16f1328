import type { ActorEvent } from '../actor/actor-definition.ts';
import type { ActorRecord, Json } from '../store/store.ts';
import type { ActorSlot, KeySlot } from './key-slot.ts';
import type { AnyActor } from './program.ts';
import { RecordedSteps } from './step-refs.ts';

/** Lifts a journaled event to its current schema version. */
export type Upcast = (type: string, schemaVersion: number, data: Json) => Json;

/**
 * Rebuilds one actor's instance for a key from its latest snapshot and the
 * journal after it, with the step results its events refer to put back.
 * Steps of calls that did not finish are kept for their re-run; `isOpen`
 * tells which call ids are still unfinished.
 */
export function recoverActor(
  slot: ActorSlot,
  def: AnyActor,
  key: string,
  record: ActorRecord,
  upcast: Upcast,
  isOpen: (callId: string) => boolean,
): void {
  let state = record.snapshot ? record.snapshot.state : def.initial(key);
  let version = record.snapshot?.version ?? 0;
  const steps = new RecordedSteps();
  for (const event of record.events) {
    version = event.version;
    if (steps.take(event)) continue;
    const data = upcast(event.type, event.schemaVersion, steps.resolve(event));
    state = def.evolve(state, data as ActorEvent);
  }
  slot.state = state;
  slot.version = version;
  slot.snapshotVersion = record.snapshot?.version ?? 0;
  slot.steps.clear();
  for (const [call, list] of steps.byTask) if (isOpen(call)) slot.steps.set(call, list);
}

/**
 * Rebuilds a key of a partition: each actor from its own record (by index),
 * and the key's progress (last applied seq, timer serial) from all of them.
 */
export function recoverSlot(
  slot: KeySlot,
  actors: readonly AnyActor[],
  records: readonly ActorRecord[],
  upcasts: readonly Upcast[],
  isOpen: (callId: string, lastApplied: number) => boolean,
): void {
  const lastApplied = Math.max(0, ...records.map((r) => r.lastAppliedSeq));
  slot.lastApplied = lastApplied;
  slot.timerSerial = Math.max(0, ...records.map((r) => r.timerSerial));
  actors.forEach((def, i) => {
    const record = records[i];
    const actor = slot.actors[i];
    const upcast = upcasts[i];
    if (!record || !actor || !upcast) throw new Error(`no record for actor ${i} of key ${slot.key}`);
    recoverActor(actor, def, slot.key, record, upcast, (call) => isOpen(call, lastApplied));
  });
  slot.loaded = true;
}
