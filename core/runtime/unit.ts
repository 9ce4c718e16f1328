import type { Delivery } from '../log/log.ts';
import type { JournalEvent, Json, MemoryChange, Snapshot, TimerRow } from '../store/store.ts';

/** An output waiting for its commit; msgId is deterministic. */
export interface OutputDraft {
  readonly msgId: string;
  readonly subject: string;
  readonly key: string;
  readonly payload: Json;
  readonly headers: Readonly<Record<string, string>>;
  readonly eventTime: number;
}

/** What one finished task (an input, a timer firing, a step flush) asks the next commit to write. */
export interface Unit {
  readonly key: string;
  /** Set for inputs: the key's progress moves to it. */
  readonly inputSeq: number | undefined;
  readonly events: readonly JournalEvent[];
  /** At most one per actor. */
  readonly snapshots: readonly Snapshot[];
  readonly outputs: readonly OutputDraft[];
  readonly timersSet: readonly TimerRow[];
  readonly timersDeleted: readonly { readonly actor: string; readonly key: string; readonly name: string }[];
  /** Set when the task set timers: the key's timer serial after them. */
  readonly timerSerial: number | undefined;
  readonly deliveries: readonly Delivery[];
  /** Records that reached the end of the program's steps (see `Program.end`). */
  readonly results?: readonly { readonly value: unknown; readonly key: string }[];
  /** Long-term memory writes of the task's actors. */
  readonly memories?: readonly MemoryChange[];
}

/** An input the key applied already (or a republished upstream output): acknowledged, nothing written. */
export function skippedUnit(key: string, delivery: Delivery): Unit {
  return {
    key,
    inputSeq: delivery.envelope.seq,
    events: [],
    snapshots: [],
    outputs: [],
    timersSet: [],
    timersDeleted: [],
    timerSerial: undefined,
    deliveries: [delivery],
  };
}

/** The key a watermark control record's unit goes under: no key can be it (keys hold no NUL). */
export const CONTROL_KEY = '\u0000control';

/** A watermark control record taken in: acknowledged with the commit; no key's progress moves. */
export function controlUnit(delivery: Delivery): Unit {
  return { ...skippedUnit(CONTROL_KEY, delivery), inputSeq: undefined };
}
