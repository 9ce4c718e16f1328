import { Subject } from 'rxjs';
import type { ActorEvent } from '../actor/actor-definition.ts';
import { jsonDecoder } from '../codec/json-decoder.ts';
import { CRASH } from '../crash-hook.ts';
import { type ResolvedConfig, resolveConfig } from '../pipeline/config.ts';
import { PartRunner } from '../pipeline/part-runner.ts';
import { type AnyActor, actorProgram } from '../runtime/program.ts';
import type { Json, OutboxRow } from '../store/store.ts';
import { checkStageNames } from './stage-names.ts';
import type { StageOptions } from './stage-options.ts';

/**
 * One stage: an input subject, a keyed actor, an output subject — a pipeline
 * of one actor, for when that is all there is to it. Takes its partitions,
 * reads each from its committed watermark, runs the actor with exactly-once
 * commits, publishes outputs through the outbox, and restarts a partition that
 * fails from its committed state. Instances share partitions through leases
 * (see `PipelineConfig`).
 *
 * @example
 * const stage = new Stage({ name: 'totals', log, store, input: 'orders', output: 'totals', actor: counter });
 * await stage.start();
 * stage.published$.subscribe((row) => console.log(row.key, row.payload));
 * process.on('SIGTERM', () => stage.stop());
 */
export class Stage<S extends Json, I, E extends ActorEvent, O extends Json> {
  /** Every output row once the log acknowledged it. */
  readonly published$ = new Subject<OutboxRow>();
  readonly #config: ResolvedConfig;
  readonly #part: PartRunner;

  constructor(options: StageOptions<S, I, E, O>) {
    checkStageNames(options.name, options.actor.name);
    this.#config = resolveConfig(options);
    const program = actorProgram(
      options.actor as unknown as AnyActor,
      options.decode ?? jsonDecoder(options.schema),
      options.output,
    );
    this.#part = new PartRunner(this.#config, {
      name: options.name,
      input: options.input,
      program,
      outputs: [
        ...new Set([
          ...(options.output === undefined ? [] : [options.output]),
          ...(options.actor.emitsTo ?? []),
        ]),
      ],
    });
    this.#part.events$.subscribe((event) => {
      if (event.kind === 'published') this.published$.next(event.row);
    });
  }

  get name(): string {
    return this.#config.name;
  }

  get deadLetterSubject(): string {
    return this.#config.deadLetter;
  }

  /**
   * Committed watermark per partition this instance holds (or held last, after
   * `stop`); a partition handed over, lost or fenced leaves it.
   */
  watermarks(): ReadonlyMap<number, number> {
    return this.#part.watermarks();
  }

  /** Partitions running in this instance now, ascending. */
  partitions(): readonly number[] {
    return this.#part.partitions();
  }

  start(): Promise<void> {
    return this.#part.start();
  }

  /** Drains: finishes accepted work, commits, publishes, and releases the partitions (and their leases). */
  stop(): Promise<void> {
    return this.#part.stop();
  }

  /** Stops at once without committing or releasing anything, as a crash would (`eddy/testing`'s `crash`). */
  [CRASH](): void {
    this.#part.kill();
  }
}
