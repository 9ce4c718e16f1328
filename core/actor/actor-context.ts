import type { Json, MemoryChange } from '../store/store.ts';

/** Where an input came from; undefined for timer firings. */
export interface InputInfo {
  readonly seq: number;
  readonly id: string;
  readonly eventTime: number;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The partition's event-time watermark as this input is applied: the highest
   * event time of the partition's inputs up to and including this one, less the
   * pipeline's `allowedLatenessMs` (its bound on out-of-orderness). Event-time
   * timers at or before it have fired. The same on every re-run of the input.
   */
  readonly eventTimeWatermark: number;
}

export interface EmitOptions {
  /** Key of the output record; defaults to the actor's key. */
  readonly key?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Publish the output to this subject, in the actor's commit, instead of passing
   * it to the pipeline's next step: fan-out from inside an actor (alerts beside
   * scores). The actor must list the subject in `emitsTo`, so that the pipeline
   * creates its topic before it starts.
   *
   * @example
   * ```ts
   * if (score < 0.2) ctx.emit({ review: input.id, score }, { subject: 'alerts' });
   * ```
   */
  readonly subject?: string;
}

/** The step `ctx.run` is running. */
export interface StepInfo {
  /**
   * Stable identity of the step: actor, key, task and call index. A re-run after
   * a crash that did not record the step's result gets the same id, so pass it
   * as the idempotency key of a side effect.
   */
  readonly id: string;
  readonly name: string;
}

/** Timers are state of the key: they survive restarts and passivation. */
export interface Timers {
  /** Fires `onTimer` once the partition's event-time watermark reaches `at`. Re-setting a name moves it. */
  setEventTime(name: string, at: number): void;
  /** Fires `onTimer` once the wall clock reaches `at`. */
  setProcessingTime(name: string, at: number): void;
  cancel(name: string): void;
  get(name: string): { readonly kind: 'event' | 'processing'; readonly at: number } | undefined;
}

/**
 * The one door to the outside world for `decide` and `onTimer`. Values that
 * differ between runs come from here so that re-processing an input after a
 * crash sees what the first attempt saw.
 *
 * @example
 * decide: async (state, input, ctx) => {
 *   const price = await ctx.run('price', () => fetchPrice(input.sku));
 *   ctx.emit({ sku: input.sku, price, at: ctx.now() });
 *   return [{ type: 'Priced', price }];
 * }
 */
export interface ActorContext<O extends Json = Json> {
  readonly key: string;
  readonly actor: string;
  readonly input: InputInfo | undefined;
  /** Wall-clock milliseconds, recorded with the input's steps. */
  now(): number;
  /** Uniform in [0, 1), seeded by actor, key and input: the same on every re-run. */
  random(): number;
  /**
   * Runs `fn` once: its result is journaled before it is returned, and a re-run
   * of the same input after a crash gets the recorded result without calling `fn`.
   * Steps are matched by name and call order within the input. `fn` gets the
   * step's stable id to use as an idempotency key.
   *
   * An event that carries an object result as `run` returned it (as the event
   * itself, or as one of its top-level fields) is journaled with a reference
   * to the step's record rather than a second copy; recovery and replay put
   * the result back, so `evolve` always sees the whole event.
   */
  run<T extends Json>(name: string, fn: (step: StepInfo) => T | Promise<T>): Promise<T>;
  /**
   * Like `run`, but matched by `name` (unique within the input) instead of
   * call order: for steps that start concurrently in an order that can differ
   * between runs, such as the model and tool calls of sub-agents running in
   * parallel. Its result is not referred to by events (they copy it).
   */
  runNamed<T extends Json>(name: string, fn: (step: StepInfo) => T | Promise<T>): Promise<T>;
  /** Queues an output; it is written to the outbox with the input's events. */
  emit(payload: O, options?: EmitOptions): void;
  /**
   * Queues a long-term memory write (an upsert with its embedding, or a
   * delete by id): it commits in the same transaction as the input's events,
   * so a crash never leaves a memory without its event or an event without
   * its memory. `eddy/memory`'s `remember(ctx, …)` embeds the text in a
   * journaled step first (a replay never embeds it again) and calls this.
   */
  writeMemory(change: MemoryChange): void;
  readonly timers: Timers;
}
