import { makeUpcaster } from '../actor/upcast.ts';
import type { AnyActor } from '../runtime/program.ts';
import { RecordedSteps } from '../runtime/step-refs.ts';
import { STEP_EVENT } from '../runtime/steps.ts';
import type { Json, Store } from '../store/store.ts';

/** A recorded event as `evolve` saw it (step references resolved, upcast to this code's version). */
export interface RecordedEvent {
  readonly version: number;
  /** 0 for the events of a timer firing. */
  readonly inputSeq: number;
  readonly event: Json;
}

/**
 * One actor's journal of one key, read for a replay: its step records by
 * call (what the replay's ctx gives back), its events in version order, and
 * the state it recorded last (the snapshot at the latest version, else the
 * recorded events folded by this code's `evolve`).
 */
export class RecordedJournal {
  readonly steps: RecordedSteps;
  readonly events: readonly RecordedEvent[];
  readonly state: Json;
  readonly #byInput = new Map<number, Json[]>();

  private constructor(steps: RecordedSteps, events: readonly RecordedEvent[], state: Json) {
    this.steps = steps;
    this.events = events;
    this.state = state;
    for (const e of events) {
      if (e.inputSeq === 0) continue;
      const list = this.#byInput.get(e.inputSeq) ?? [];
      list.push(e.event);
      this.#byInput.set(e.inputSeq, list);
    }
  }

  static async read(store: Store, def: AnyActor, key: string): Promise<RecordedJournal> {
    const [journal, snapshots] = await Promise.all([
      store.journal(def.name, key),
      store.snapshots(def.name, key),
    ]);
    const upcast = makeUpcaster(def.upcasters, def.eventVersions);
    const steps = new RecordedSteps();
    const events: RecordedEvent[] = [];
    for (const e of journal) {
      if (steps.take(e) || e.type === STEP_EVENT) continue;
      const event = {
        ...(upcast(e.type, e.schemaVersion, steps.resolve(e)) as object),
        type: e.type,
      } as Json;
      events.push({ version: e.version, inputSeq: e.inputSeq, event });
    }
    const latest = journal.at(-1)?.version ?? 0;
    const snapshot = snapshots.find((s) => s.version === latest);
    const state =
      snapshot?.state ??
      events.reduce((s, e) => def.evolve(s, e.event as Parameters<AnyActor['evolve']>[1]), def.initial(key));
    return new RecordedJournal(steps, events, state);
  }

  /** The input seqs with recorded events, ascending. */
  inputs(): readonly number[] {
    return [...this.#byInput.keys()].sort((a, b) => a - b);
  }

  /** The events recorded for input `seq`, over every call of the actor in its task. */
  eventsOf(seq: number): readonly Json[] {
    return this.#byInput.get(seq) ?? [];
  }
}
