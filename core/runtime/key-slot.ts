import type { Delivery } from '../log/log.ts';
import type { Json } from '../store/store.ts';
import type { StepRecord } from './steps.ts';

export type Task =
  | {
      readonly kind: 'input';
      readonly delivery: Delivery;
      /** The partition's event clock once this input arrived: decides where event-time timers fire. */
      readonly clock: number;
      /** Set when the record has no valid key: it runs under `INVALID_KEY` to become a dead letter. */
      readonly keyProblem?: string;
    }
  | {
      readonly kind: 'timer';
      readonly name: string;
      readonly timerKind: 'event' | 'processing';
      readonly at: number;
      /** The setting this firing belongs to: a timer set again after it fired has a new one. */
      readonly serial: number;
      /** The input whose arrival made this event-time timer due: it is not done until the timer fired. */
      readonly holdSeq: number | undefined;
    };

/**
 * Task ids name a task across attempts, to match recorded steps: an input by
 * its seq, a firing by its timer's serial (unique per key; the name is there
 * for people reading the journal).
 */
export function taskId(task: Task): string {
  return task.kind === 'input' ? `seq:${task.delivery.envelope.seq}` : `timer:${task.serial}:${task.name}`;
}

/** Serial and name of a firing's task id; undefined for other tasks and for ids from before serials. */
export function timerSerialOf(taskId: string): { serial: number; name: string } | undefined {
  const match = /^timer:(\d+):/.exec(taskId);
  if (!match) return undefined;
  return { serial: Number(match[1]), name: taskId.slice(match[0].length) };
}

/** One key's actor instance in memory, with its queue of pending work. */
export interface KeySlot<S extends Json> {
  readonly key: string;
  loaded: boolean;
  state: S;
  /** Last journal version assigned (committed or not). */
  version: number;
  snapshotVersion: number;
  /** Highest input seq applied (committed or not). */
  lastApplied: number;
  /** Last timer serial handed out (committed or not); each setting takes the next. */
  timerSerial: number;
  /** Steps recorded by earlier attempts of unfinished tasks, by task id. */
  readonly steps: Map<string, StepRecord[]>;
  readonly queue: Task[];
  queueHead: number;
  running: boolean;
  /** Units of this key not yet committed: a slot with some is never passivated. */
  uncommitted: number;
}

export function newSlot<S extends Json>(key: string, state: S): KeySlot<S> {
  return {
    key,
    loaded: false,
    state,
    version: 0,
    snapshotVersion: 0,
    lastApplied: 0,
    timerSerial: 0,
    steps: new Map(),
    queue: [],
    queueHead: 0,
    running: false,
    uncommitted: 0,
  };
}

export function nextTask<S extends Json>(slot: KeySlot<S>): Task | undefined {
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
export function queueFiring<S extends Json>(
  slot: KeySlot<S>,
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

export function isIdle<S extends Json>(slot: KeySlot<S>): boolean {
  return slot.loaded && !slot.running && slot.queue.length === 0 && slot.uncommitted === 0;
}
