import type { OperatorFunction } from 'rxjs';
import type { ActorDefinition, ActorEvent } from '../actor/actor-definition.ts';
import type { AnyActor } from '../runtime/program.ts';
import type { Json } from '../store/store.ts';

/** Marks the operator functions that are pipeline steps, not per-record RxJS operators. */
export const STEP = Symbol('eddy.pipeline-step');

/** What a pipeline step stands for; the pipeline compiles its chain from these. */
export type StepSpec =
  | { readonly kind: 'actor'; readonly actor: AnyActor }
  | { readonly kind: 'to'; readonly subject: string; readonly watermarks: boolean }
  | { readonly kind: 'keyBy'; readonly keyOf: (value: unknown) => string };

type Step<In, Out> = OperatorFunction<In, Out> & { readonly [STEP]: StepSpec };

function step<In, Out>(spec: StepSpec, name: string): Step<In, Out> {
  const misuse = (): never => {
    throw new TypeError(
      `${name} is a pipeline step: use it inside from(subject).pipe(...), run by pipeline(...)`,
    );
  };
  return Object.assign(misuse as OperatorFunction<In, Out>, { [STEP]: spec });
}

/** The spec of a pipeline step, or undefined for any other operator. */
export function stepOf(op: OperatorFunction<never, unknown>): StepSpec | undefined {
  return (op as Partial<Step<never, unknown>>)[STEP];
}

/**
 * A keyed, event-sourced actor as a pipeline step: each record reaching it is
 * its `decide`'s input, for the record's key; what it `ctx.emit`s flows on.
 * Its events are journaled (and its state snapshotted) in the same commit as
 * everything else its input caused. Actors without a `keyBy` between them run
 * in one commit, in the key's task.
 *
 * @example
 * from('orders', Order).pipe(actor(totals), to('totals'));
 */
export function actor<S extends Json, I, E extends ActorEvent, O extends Json>(
  def: ActorDefinition<S, I, E, O>,
): OperatorFunction<I, O> {
  return step<I, O>({ kind: 'actor', actor: def as unknown as AnyActor }, `actor(${def.name})`);
}

/**
 * Publishes every record to `subject` (through the outbox: exactly once, in
 * the commit of the input it came from) and passes it on, so a pipeline can
 * publish to several subjects. The subject's topic is created with the
 * pipeline's output partitions. With `watermarks: true`, the subject's
 * partitions are also told how far this part's event time got (watermark
 * control records, which eddy pipelines take in and never hand to a step;
 * other consumers should skip records with the `eddy-control` header), so a
 * pipeline reading it with `from(subject, schema, { watermarks: 'upstream' })`
 * closes its windows on this one's event time.
 *
 * @example
 * from('reviews').pipe(actor(scorer), to('scores'), filter((s) => s.score < 2), to('alerts'));
 */
export function to<T>(subject: string, options: SinkOptions = {}): OperatorFunction<T, T> {
  return step<T, T>({ kind: 'to', subject, watermarks: options.watermarks ?? false }, `to(${subject})`);
}

/** How `to` publishes. */
export interface SinkOptions {
  /** Announce this part's event time to the subject's partitions. Default false. */
  readonly watermarks?: boolean;
}

/**
 * Re-keys records: each goes under `keyOf(record)` to the actors after it. A
 * key lives in one partition, so the records travel through a log subject of
 * the pipeline's own (`<pipeline>.keyby-<n>`, like a Kafka Streams
 * repartition topic), exactly once: published through the outbox, consumed by
 * the pipeline's next part, which drops a republished record by its origin.
 *
 * @example
 * from('comments', Comment).pipe(keyBy((c) => c.streamId), actor(perStream), to('stream-stats'));
 */
export function keyBy<T>(keyOf: (value: T) => string): OperatorFunction<T, T> {
  return step<T, T>({ kind: 'keyBy', keyOf: keyOf as (value: unknown) => string }, 'keyBy(...)');
}
