import type { Json } from '../store/store.ts';

/** An output as a replay compares it: where it went and what it said. */
export interface ReplayOutput {
  readonly subject: string;
  readonly key: string;
  readonly payload: Json;
}

/** One thing a key's replay found different from the record. */
export type Difference =
  /** An actor decided other events for the input. */
  | {
      readonly kind: 'events';
      readonly inputSeq: number;
      readonly actor: string;
      readonly recorded: Json;
      readonly replayed: Json;
    }
  /** The input's outputs (every sink, keyBy hop and direct emit of the stage, in order) differ. */
  | {
      readonly kind: 'outputs';
      readonly inputSeq: number;
      readonly recorded: readonly ReplayOutput[];
      readonly replayed: readonly ReplayOutput[];
    }
  /** One run dead-lettered the input and the other did not: the reasons (null: not dead-lettered). */
  | {
      readonly kind: 'dead-letter';
      readonly inputSeq: number;
      readonly recorded: string | null;
      readonly replayed: string | null;
    }
  /** An actor's state after the last input. */
  | { readonly kind: 'state'; readonly actor: string; readonly recorded: Json; readonly replayed: Json };

/** How a key came out of a replay against the current code. */
export type KeyDiff =
  | { readonly key: string; readonly status: 'same'; readonly inputs: number }
  | {
      readonly key: string;
      readonly status: 'changed';
      readonly inputs: number;
      /** The first inputs that differ (up to `maxDiffs`), then the states that differ. */
      readonly differences: readonly Difference[];
    }
  | {
      readonly key: string;
      readonly status: 'diverged';
      readonly inputs: number;
      readonly inputSeq: number;
      readonly reason: string;
    };

export interface ReplayReport {
  readonly stage: string;
  /** The stage's actors, whose events and states were compared. */
  readonly actors: readonly string[];
  /** Whether outputs and dead letters were compared (false: `replayDiff` of a lone actor). */
  readonly outputsCompared: boolean;
  readonly keys: readonly KeyDiff[];
  readonly same: number;
  readonly changed: number;
  readonly diverged: number;
  /** What the reader should know about how far the comparison goes. */
  readonly notes: readonly string[];
}
