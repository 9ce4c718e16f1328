import type { TimerRow } from '../store/store.ts';
import { MinHeap } from './min-heap.ts';

/** A timer as the actor asks for it. */
export interface TimerSpec {
  readonly kind: 'event' | 'processing';
  readonly at: number;
}

/** A timer as the runtime keeps it: `serial` names this setting, and so its one firing. */
export interface TimerEntry extends TimerSpec {
  readonly serial: number;
}

/** A timer that came due. */
export interface DueTimer {
  readonly key: string;
  readonly name: string;
  readonly at: number;
  readonly serial: number;
}

/**
 * All timers of one partition, including those of passivated keys, so that a
 * timer fires whether or not its key is in memory. Heaps use lazy deletion:
 * an entry is live only while the map still holds the same setting (serial).
 */
export class TimerIndex {
  readonly #byKey = new Map<string, Map<string, TimerEntry>>();
  readonly #event = new MinHeap<DueTimer>();
  readonly #processing = new MinHeap<DueTimer>();

  constructor(rows: readonly TimerRow[]) {
    for (const row of rows) this.set(row.key, row.name, { kind: row.kind, at: row.at, serial: row.serial });
  }

  get(key: string, name: string): TimerEntry | undefined {
    return this.#byKey.get(key)?.get(name);
  }

  /** Whether one of the key's timers is the setting with this serial. */
  hasSerial(key: string, serial: number): boolean {
    for (const entry of this.#byKey.get(key)?.values() ?? []) if (entry.serial === serial) return true;
    return false;
  }

  /** `schedule: false` when the caller already queued the firing, so the heap must not fire it again. */
  set(key: string, name: string, entry: TimerEntry, schedule = true): void {
    let timers = this.#byKey.get(key);
    if (!timers) {
      timers = new Map();
      this.#byKey.set(key, timers);
    }
    timers.set(name, entry);
    if (!schedule) return;
    (entry.kind === 'event' ? this.#event : this.#processing).push(entry.at, {
      key,
      name,
      at: entry.at,
      serial: entry.serial,
    });
  }

  delete(key: string, name: string): void {
    const timers = this.#byKey.get(key);
    if (!timers) return;
    timers.delete(name);
    if (timers.size === 0) this.#byKey.delete(key);
  }

  /** Removes and returns the timers of `kind` due at `now`; they stay in the map until fired. */
  due(kind: 'event' | 'processing', now: number): DueTimer[] {
    const heap = kind === 'event' ? this.#event : this.#processing;
    const out: DueTimer[] = [];
    for (;;) {
      const top = heap.peekPriority();
      if (top === undefined || top > now) break;
      const item = heap.pop();
      if (!item) break;
      const live = this.get(item.key, item.name);
      if (live && live.serial === item.serial && live.kind === kind) out.push(item);
    }
    return out;
  }
}
