import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import type { Envelope } from '../envelope.ts';
import type { Log } from '../log/log.ts';
import { type AnyActor, actorProgram } from '../runtime/program.ts';
import type { Json, Store } from '../store/store.ts';
import { RecordedOutcomes } from './recorded-outcomes.ts';
import type { ReplayReport } from './replay-report.ts';
import { replayWith } from './replay-stage.ts';

export interface ReplayDiffOptions {
  readonly log: Log;
  readonly store: Store;
  /** The actor's input subject, and how its records are read (the pipeline's source). */
  readonly input: string;
  readonly decode: (payload: Uint8Array, envelope: Envelope<Uint8Array>) => unknown;
  /** Only these keys (default every key of the actor). */
  readonly keys?: readonly string[];
  /** Only inputs with seqs in this range. */
  readonly fromSeq?: number;
  readonly toSeq?: number;
  /** Differing inputs kept per key. Default 3. */
  readonly maxDiffs?: number;
  /** The pipeline's allowed lateness, for actors that judge lateness (windows). Default 0. */
  readonly allowedLatenessMs?: number;
}

/**
 * `replayStage` for one actor fed its input directly, without its pipeline:
 * events and states are compared, outputs are not (no stage, no msg ids to
 * find them by). For tests of an actor's new version against a recorded run.
 *
 * @example
 * ```ts
 * const report = await replayDiff(totalsV2, { log, store, input: 'orders', decode: (b) => JSON.parse(new TextDecoder().decode(b)) });
 * expect(report.changed).toBe(0);
 * ```
 */
export async function replayDiff<S extends Json, I, E extends ActorEvent, O extends Json>(
  def: ActorDefinition<S, I, E, O>,
  o: ReplayDiffOptions,
): Promise<ReplayReport> {
  const actor = def as unknown as AnyActor;
  const stage = {
    name: def.name,
    input: o.input,
    program: actorProgram(actor, o.decode, undefined),
    outputs: [],
    deadLetter: '',
    allowedLatenessMs: o.allowedLatenessMs ?? 0,
    log: o.log,
    store: o.store,
  };
  return replayWith(stage, RecordedOutcomes.none(), false, {
    keys: o.keys ?? (await o.store.keys(def.name)),
    ...(o.fromSeq === undefined ? {} : { fromSeq: o.fromSeq }),
    ...(o.toSeq === undefined ? {} : { toSeq: o.toSeq }),
    ...(o.maxDiffs === undefined ? {} : { maxDiffs: o.maxDiffs }),
  });
}
