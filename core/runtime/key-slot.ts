import type { Json } from '../store/store.ts';
import type { StepRecord } from './steps.ts';
import type { Task } from './task.ts';

export type { Task } from './task.ts';

/** One actor's instance for a key: its state and journal position. */
export interface ActorSlot {
  state: Json;
  /** Last journal version assigned (committed or not). */
  version: number;
  snapshotVersion: number;
  /** Steps recorded by earlier attempts of unfinished calls, by call id. */
  readonly steps: Map<string, StepRecord[]>;
}

/** One key of a partition in memory: its actors' instances and its queue of pending work. */
export interface KeySlot {
  readonly key: string;
  loaded: boolean;
  /** Per actor of the program, by index. */
  readonly actors: ActorSlot[];
  /** Highest input seq applied (committed or not). */
  lastApplied: number;
  /** Last timer serial handed out (committed or not); each setting takes the next. */
  timerSerial: number;
  readonly queue: Task[];
  queueHead: number;
  running: boolean;
  /** Units of this key not yet committed: a slot with some is never passivated. */
  uncommitted: number;
}

export function newSlot(key: string, states: readonly Json[]): KeySlot {
  return {
    key,
    loaded: false,
    actors: states.map((state) => ({ state, version: 0, snapshotVersion: 0, steps: new Map() })),
    lastApplied: 0,
    timerSerial: 0,
    queue: [],
    queueHead: 0,
    running: false,
    uncommitted: 0,
  };
}

export function nextTask(slot: KeySlot): Task | undefined {
  const task = slot.queue[slot.queueHead];
  if (!task) return undefined;
  slot.queueHead++;
  if (slot.queueHead === slot.queue.length) {
    slot.queue.length = 0;
    slot.queueHead = 0;
  }
  return task;
}

/**
 * Queues an event-time firing at `index` (default: the end), in (at, serial)
 * order among the event-time firings queued right before that point. Which
 * input a firing precedes depends only on log order, but several firings that
 * precede the same input get there in an order that depends on timing (one
 * was placed when its setter ran, another when the input arrived); sorting
 * them makes the order the same in every run. Never goes before `queueHead`:
 * what is taken has run, and a firing set by a task comes after it.
 */
export function queueFiring(
  slot: KeySlot,
  task: Extract<Task, { kind: 'timer' }>,
  index = slot.queue.length,
): void {
  let i = index;
  while (i > slot.queueHead) {
    const before = slot.queue[i - 1];
    if (before?.kind !== 'timer' || before.timerKind !== 'event') break;
    if (before.at < task.at || (before.at === task.at && before.serial < task.serial)) break;
    i--;
  }
  slot.queue.splice(i, 0, task);
}

/** Loaded, with nothing queued, running, uncommitted or recorded for an unfinished call: it can go. */
export function isIdle(slot: KeySlot): boolean {
  return (
    slot.loaded &&
    !slot.running &&
    slot.queue.length === 0 &&
    slot.uncommitted === 0 &&
    slot.actors.every((a) => a.steps.size === 0)
  );
}
