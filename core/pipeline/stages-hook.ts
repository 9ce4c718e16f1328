import type { Log } from '../log/log.ts';
import type { Program } from '../runtime/program.ts';
import type { Store } from '../store/store.ts';

/**
 * The method by which `replayStage` reads a pipeline's stages: their
 * programs are the runtime's business, so no entry point exports it.
 */
export const STAGES = Symbol('eddy.stages');

/** A stage of a pipeline as a replay re-runs it: what it reads, runs, and where its outputs went. */
export interface ReplayableStage {
  readonly name: string;
  readonly input: string;
  readonly program: Program;
  /** The subjects its sinks, keyBy hop and actors publish to. */
  readonly outputs: readonly string[];
  readonly deadLetter: string;
  readonly allowedLatenessMs: number;
  readonly log: Log;
  readonly store: Store;
}

/** What `replayStage` can replay. */
export interface HasStages {
  [STAGES](): readonly ReplayableStage[];
}
