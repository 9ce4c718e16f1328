import type { Delivery } from '../log/log.ts';

/** A unit of work of one key: an input record, or the firing of one of its actors' timers. */
export type Task =
  | {
      readonly kind: 'input';
      readonly delivery: Delivery;
      /** The partition's event clock once this input arrived: decides where event-time timers fire. */
      readonly clock: number;
      /** Set when the record has no valid key: it runs under `INVALID_KEY` to become a dead letter. */
      readonly keyProblem?: string;
      /** The record's event time as the program's `eventTime` read it (default: the envelope's). */
      readonly eventTime?: number;
      /** The record as decoded on arrival, to read its event time: not decoded twice. */
      readonly decoded?: { readonly value: unknown };
    }
  | {
      readonly kind: 'timer';
      /** Which of the program's actors set the timer (its index). */
      readonly actor: number;
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

/**
 * The id of one actor call within a task: the task's id for the first call,
 * then `<task id>/<n>` (a task whose records an actor meets more than once,
 * after a split, calls it again; each call records its own steps).
 */
export function callId(task: string, call: number): string {
  return call === 0 ? task : `${task}/${call}`;
}

/** The input seq of an input task's (or call's) id; undefined for a firing. */
export function seqOf(id: string): number | undefined {
  if (!id.startsWith('seq:')) return undefined;
  const slash = id.indexOf('/');
  return Number(slash < 0 ? id.slice(4) : id.slice(4, slash));
}

/** Serial and name of a firing's task id; undefined for other tasks and for ids from before serials. */
export function timerSerialOf(taskId: string): { serial: number; name: string } | undefined {
  const match = /^timer:(\d+):/.exec(taskId);
  if (!match) return undefined;
  return { serial: Number(match[1]), name: taskId.slice(match[0].length) };
}
