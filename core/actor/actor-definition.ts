import type { Json } from '../store/store.ts';
import type { ActorContext } from './actor-context.ts';

/** Events are a discriminated union on `type`, and JSON so they can be journaled. */
export type ActorEvent = { readonly type: string } & { readonly [k: string]: Json };

/** A timer of a key that came due. */
export interface FiredTimer {
  readonly name: string;
  readonly kind: 'event' | 'processing';
  readonly at: number;
}

/** Snapshot every `every` journal versions of a key; keep the newest `keep`. */
export interface SnapshotPolicy {
  readonly every: number;
  readonly keep: number;
}

/**
 * Lifts a journaled event written under an older schema version by one step:
 * `fromVersion` to `fromVersion + 1`. Chains run until the current version.
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly up: (data: Json) => Json;
}

export type Decision<E> = readonly E[] | Promise<readonly E[]>;

/**
 * A keyed, event-sourced actor in the decider style: `decide` turns an input
 * into events, `evolve` folds an event into state. `evolve` must be pure and
 * return a new state rather than mutate the old one; `decide` reaches the outside
 * world only through `ctx`, so that recovery re-applies what was recorded.
 *
 * @example
 * const counter = defineActor({
 *   name: 'counter',
 *   initial: () => ({ total: 0 }),
 *   decide: (_s, input: { amount: number }, ctx) => {
 *     ctx.emit({ added: input.amount });
 *     return [{ type: 'Added', amount: input.amount }];
 *   },
 *   evolve: (s, e: { type: 'Added'; amount: number }) => ({ total: s.total + e.amount }),
 *   snapshot: { every: 100, keep: 2 },
 * });
 */
export interface ActorDefinition<S extends Json, I, E extends ActorEvent, O extends Json = Json> {
  /** Journal namespace: renaming an actor orphans its journal. */
  readonly name: string;
  readonly initial: (key: string) => S;
  readonly decide: (state: S, input: I, ctx: ActorContext<O>) => Decision<E>;
  readonly evolve: (state: S, event: E) => S;
  readonly onTimer?: (state: S, timer: FiredTimer, ctx: ActorContext<O>) => Decision<E>;
  readonly snapshot?: SnapshotPolicy;
  /** Current schema version per event type (default 1); written with each event. */
  readonly eventVersions?: Readonly<Record<string, number>>;
  readonly upcasters?: readonly Upcaster[];
  /**
   * Subjects the actor publishes to directly with `ctx.emit(payload, { subject })`.
   * Their topics are created with the pipeline's outputs; emitting to a subject not
   * listed here dead-letters the record (its outputs could reach no topic).
   */
  readonly emitsTo?: readonly string[];
}

/** Identity helper that lets TypeScript infer the actor's type parameters. */
export function defineActor<S extends Json, I, E extends ActorEvent, O extends Json = Json>(
  definition: ActorDefinition<S, I, E, O>,
): ActorDefinition<S, I, E, O> {
  return definition;
}
