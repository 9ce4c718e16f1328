import type { Delivery } from '../log/log.ts';
import type { Json } from '../store/store.ts';
import type { StepRecord } from './steps.ts';

export type Task =
  | {
      readonly kind: 'input';
      readonly delivery: Delivery;
      /** The partition's event clock once this input arrived: decides where event-time timers fire. */
      readonly clock: number;
    }
  | {
      readonly kind: 'timer';
      readonly name: string;
      readonly timerKind: 'event' | 'processing';
      readonly at: number;
      /** The input whose arrival made this event-time timer due: it is not done until the timer fired. */
      readonly holdSeq: number | undefined;
    };

/** Task ids name a task across attempts, to match recorded steps. */
export function taskId(task: Task): string {
  return task.kind === 'input'
    ? `seq:${task.delivery.envelope.seq}`
    : `timer:${task.name}@${task.at}:${task.timerKind}`;
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

export function isIdle<S extends Json>(slot: KeySlot<S>): boolean {
  return slot.loaded && !slot.running && slot.queue.length === 0 && slot.uncommitted === 0;
}
