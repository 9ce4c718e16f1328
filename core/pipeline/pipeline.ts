import { Observable, Subject } from 'rxjs';
import { CRASH } from '../crash-hook.ts';
import type { DeadLetter } from '../runtime/dead-letter.ts';
import type { AnyActor, Program } from '../runtime/program.ts';
import { checkStageNames } from '../stage/stage-names.ts';
import type { Json, OutboxRow } from '../store/store.ts';
import { type Committed, committedRecord } from './committed.ts';
import { type CompiledFlow, compileFlow } from './compile.ts';
import { type PipelineConfig, type ResolvedConfig, resolveConfig } from './config.ts';
import type { Flow } from './flow.ts';
import { PartRunner } from './part-runner.ts';
import { type ReplayableStage, STAGES } from './stages-hook.ts';

/**
 * A running pipeline, as an Observable of what it committed (and published):
 * subscribing starts it (the partitions this instance owns, shared with other
 * instances through leases), unsubscribing the last subscriber, `stop()` or
 * the config's `signal` drains it: work accepted so far is finished,
 * committed and published, and its partitions are released. One run is shared
 * by all subscribers.
 *
 * Exactly once under composition: an input counts as done only when every
 * record derived from it went through every step (or was dropped) and all of
 * it is committed, in one commit; a crash at any point leaves outputs and
 * states as in a run without one.
 *
 * @example
 * const scores = pipeline({ name: 'voc', log, store }, from('reviews', Review).pipe(actor(scorer), to('scores')));
 * scores.subscribe((s) => console.log(s.key, s.value));
 * process.on('SIGTERM', () => void scores.stop());
 */
export class Pipeline<T> extends Observable<Committed<T>> {
  /** Every dead letter any part of the pipeline published. */
  readonly deadLetters$: Observable<Committed<DeadLetter>>;
  readonly #config: ResolvedConfig;
  readonly #compiled: CompiledFlow;
  readonly #parts: readonly PartRunner[];
  readonly #out = new Subject<Committed<T>>();
  readonly #dead = new Subject<Committed<DeadLetter>>();
  #started: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;
  #subscribers = 0;

  constructor(config: PipelineConfig & { readonly signal?: AbortSignal }, flow: Flow<T>) {
    super((subscriber) => {
      const subscription = this.#out.subscribe(subscriber);
      if (this.#subscribers++ === 0) this.start().catch((error: unknown) => this.#out.error(error));
      return () => {
        subscription.unsubscribe();
        if (--this.#subscribers === 0) void this.stop();
      };
    });
    this.#config = resolveConfig(config);
    this.#compiled = compileFlow(config.name, flow as Flow<unknown>);
    for (const part of this.#compiled.parts) {
      for (const actor of part.program.actors) checkStageNames(part.name, actor.name);
    }
    this.#parts = this.#compiled.parts.map((spec) => new PartRunner(this.#config, spec));
    this.deadLetters$ = this.#dead.asObservable();
    this.#route();
    config.signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  get name(): string {
    return this.#config.name;
  }

  /** The subjects the pipeline reads (its input, then each keyBy's) and writes (sinks, keyBy hops). */
  get subjects(): { readonly inputs: readonly string[]; readonly outputs: readonly string[] } {
    const parts = this.#compiled.parts;
    return { inputs: parts.map((p) => p.input), outputs: parts.flatMap((p) => p.outputs) };
  }

  /** Its stages: the pipeline's name, then `<name>.1`, `<name>.2`, … after each keyBy (what `replayStage` names). */
  get stages(): readonly string[] {
    return this.#compiled.parts.map((p) => p.name);
  }

  /**
   * Starts every part (subscribing does it too); resolves once each holds its
   * partitions. Idempotent.
   */
  start(): Promise<void> {
    this.#started ??= (async () => {
      // In order: a part creates the subject of its keyBy, which the next part reads.
      for (const part of this.#parts) await part.start();
    })();
    return this.#started;
  }

  /** Drains every part, releases its partitions, and completes the pipeline's subscribers. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      await this.#started?.catch(() => {});
      for (const part of this.#parts) await part.stop();
      this.#out.complete();
      this.#dead.complete();
    })();
    return this.#stopped;
  }

  /** Committed watermarks of the partitions this instance holds, of part `part` (0: the pipeline's input). */
  watermarks(part = 0): ReadonlyMap<number, number> {
    return this.#parts[part]?.watermarks() ?? new Map();
  }

  /**
   * The actors of the pipeline with the part (stage name) each runs in and
   * that part's input subject: what `eddy inspect` folds a key's journal with.
   */
  get actors(): readonly PipelineActor[] {
    return this.#compiled.parts.flatMap((p) =>
      p.program.actors.map((actor, index) => {
        const at = p.program.steps.findIndex((s) => s.kind === 'actor' && s.actor === index);
        return {
          stage: p.name,
          input: p.input,
          actor,
          // Only an actor that is its part's first step gets the input record itself (what replay re-feeds).
          ...(at === 0 ? { decode: p.program.decode } : {}),
        };
      }),
    );
  }

  /** Partitions of part `part` (0: the pipeline's input) running in this instance now, ascending. */
  partitions(part = 0): readonly number[] {
    return this.#parts[part]?.partitions() ?? [];
  }

  /** The stages as `replayStage` re-runs them. */
  [STAGES](): readonly ReplayableStage[] {
    const c = this.#config;
    return this.#compiled.parts.map((p) => ({
      name: p.name,
      input: p.input,
      program: p.program,
      outputs: p.outputs,
      deadLetter: c.deadLetter,
      allowedLatenessMs: c.allowedLatenessMs,
      log: c.log,
      store: c.store,
    }));
  }

  /** Stops at once without committing or releasing anything, as a crash would (`eddy/testing`'s `crash`). */
  [CRASH](): void {
    for (const part of this.#parts) part.kill();
  }

  /** Hands out the last part's committed (or published) records and every part's dead letters. */
  #route(): void {
    const end = this.#compiled.end;
    const deadLetter = this.#config.deadLetter;
    this.#parts.forEach((part, i) => {
      const last = i === this.#parts.length - 1;
      part.events$.subscribe((event) => {
        if (event.kind === 'published' && event.row.subject === deadLetter) {
          this.#dead.next(published<DeadLetter>(event.row));
        } else if (!last) {
          return;
        } else if (
          event.kind === 'published' &&
          end.kind === 'published' &&
          event.row.subject === end.subject
        ) {
          this.#out.next(published<T>(event.row));
        } else if (event.kind === 'result' && end.kind === 'results') {
          const { value, key, partition } = event.result;
          this.#out.next(
            committedRecord<T>({
              value: value as never,
              key,
              subject: undefined,
              msgId: undefined,
              partition,
            }),
          );
        }
      });
    });
  }
}

function published<T>(row: OutboxRow): Committed<T> {
  return committedRecord<T>({
    value: frozen(row.payload) as never,
    key: row.key,
    subject: row.subject,
    msgId: row.msgId,
    partition: row.partition,
  });
}

function frozen(value: Json): Json {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) frozen(v);
  }
  return value;
}

/**
 * Runs a flow as a pipeline: `config` says where (log, store, name) and how
 * (commit pacing, leases, metrics, ...), `flow` what. See `Pipeline`.
 *
 * @example
 * const running = pipeline({ name: 'voc', log, store }, from('reviews', Review).pipe(
 *   filter((r) => r.text.length > 0),
 *   map((r) => ({ ...r, text: r.text.trim() })),
 *   actor(scorer),
 *   to('scores'),
 * ));
 * running.subscribe((score) => console.log(score.key, score.value));
 */
export function pipeline<T>(
  config: PipelineConfig & { readonly signal?: AbortSignal },
  flow: Flow<T>,
): Pipeline<T> {
  return new Pipeline(config, flow);
}

/** An actor of a pipeline: where it runs, and (when it is fed its part's input directly) how that input is read. */
export interface PipelineActor {
  readonly stage: string;
  readonly input: string;
  readonly actor: AnyActor;
  readonly decode?: Program['decode'];
}
