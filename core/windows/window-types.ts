import type { Json } from '../store/store.ts';

/**
 * How a window folds its records: `create` an accumulator, `add` a record to
 * it, and read its `result`. Plain, pure functions: the accumulator is state,
 * rebuilt from the journal on recovery.
 */
export interface Aggregate<T, A extends Json, R extends Json> {
  create(): A;
  add(accumulator: A, record: T): A;
  result(accumulator: A): R;
  /** Two windows' accumulators as one: needed by session windows, which merge. */
  merge?(a: A, b: A): A;
}

/** A window's result: `final` when the watermark passes its end, `update` for a late record within the allowed lateness, `partial` from early firing. */
export interface WindowResult<R extends Json> {
  readonly [k: string]: Json;
  readonly kind: 'final' | 'update' | 'partial';
  readonly key: string;
  readonly start: number;
  readonly end: number;
  /** Records in the window so far. */
  readonly count: number;
  readonly result: R;
}

/** A record too late for a window it belongs to: on the late subject, never dropped silently. */
export interface LateRecord<T extends Json> {
  readonly [k: string]: Json;
  readonly kind: 'late';
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly eventTime: number;
  /** The watermark it met. */
  readonly watermark: number;
  readonly record: T;
}

/** An open window of a key: its accumulator and whether its final result went out. */
export interface OpenWindow {
  readonly [k: string]: Json;
  readonly end: number;
  readonly count: number;
  readonly accumulator: Json;
  readonly fired: boolean;
}

/** A key's windows that can still change, by start (as a string: JSON object keys). */
export interface WindowState {
  readonly [k: string]: Json;
  readonly open: { readonly [start: string]: OpenWindow };
}

export type WindowEvent =
  | {
      readonly type: 'Added';
      readonly record: Json;
      readonly windows: readonly { start: number; end: number }[];
    }
  | {
      readonly type: 'Merged';
      readonly into: { readonly start: number; readonly end: number };
      readonly from: readonly number[];
    }
  | { readonly type: 'Fired'; readonly start: number }
  | { readonly type: 'Purged'; readonly start: number };
