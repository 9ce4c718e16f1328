import type { OperatorFunction } from 'rxjs';
import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import type { Envelope } from '../envelope.ts';
import type { Json } from '../store/store.ts';

/** An actor as the runtime holds it: its types are the pipeline's business. */
export type AnyActor = ActorDefinition<Json, unknown, ActorEvent, Json>;

/**
 * What a partition runtime runs for each input record of a key, in order:
 * the records an input turns into flow through the steps, each step turning
 * every record into zero or more records for the next.
 * - `each`: a user's RxJS operator chain, run on each record on its own; its
 *   completion says the record is fully expanded (dropped, mapped, split);
 * - `actor`: one of `actors`: decide and evolve, its outputs flow on;
 * - `sink`: every record is published to `subject` (through the outbox) and flows on;
 * - `hop`: every record is published to `subject` under the key `keyOf` gives
 *   it, for the next part of the pipeline (a keyBy); nothing flows on.
 */
export type ProgramStep =
  | { readonly kind: 'each'; readonly op: OperatorFunction<unknown, unknown> }
  | { readonly kind: 'actor'; readonly actor: number }
  | { readonly kind: 'sink'; readonly subject: string }
  | { readonly kind: 'hop'; readonly subject: string; readonly keyOf: (value: unknown) => string };

export interface Program {
  /** Turns a record's bytes into the first step's record; throwing dead-letters it (phase `decode`). */
  readonly decode: (payload: Uint8Array, envelope: Envelope<Uint8Array>) => unknown;
  /** The record's event time, read from the decoded record; default the envelope's (the log's or the producer's). */
  readonly eventTime?: (record: unknown) => number;
  readonly steps: readonly ProgramStep[];
  /** The actors the `actor` steps name, by index; each has its own journal. */
  readonly actors: readonly AnyActor[];
  /**
   * What becomes of records that reach the end of the steps: `results` hands
   * them to the runtime's owner once committed; `drop` lets them go (they were
   * published by a sink on the way); `refuse` dead-letters the input (a stage
   * without an output subject whose actor emitted).
   */
  readonly end: 'results' | 'drop' | 'refuse';
  /**
   * Where the partition's event clock comes from: `records` (default), the
   * highest event time of its inputs; `upstream`, the minimum over the
   * upstream eddy partitions of the clocks their control records announce
   * (a keyBy hop; see `UpstreamMarks`).
   */
  readonly clock?: 'records' | 'upstream';
  /** Subjects whose partitions are told this partition's event clock (the hop, sinks that ask). */
  readonly announceTo?: readonly string[];
}

/**
 * The program of a one-actor stage: decode, the actor, and its outputs to
 * `output` when it has one.
 *
 * @example
 * const program = actorProgram(totals, jsonDecoder(schema), 'totals');
 */
export function actorProgram(def: AnyActor, decode: Program['decode'], output: string | undefined): Program {
  return {
    decode,
    steps: [
      { kind: 'actor', actor: 0 },
      ...(output !== undefined ? [{ kind: 'sink' as const, subject: output }] : []),
    ],
    actors: [def],
    end: output === undefined ? 'refuse' : 'drop',
  };
}
