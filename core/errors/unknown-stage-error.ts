/**
 * A replay named a stage the pipeline does not have.
 *
 * @example
 * try { await replayStage(running, { stage: 'totalz' }); }
 * catch (e) { if (e instanceof UnknownStageError) console.error(`try one of ${e.stages.join(', ')}`); }
 */
export class UnknownStageError extends Error {
  override readonly name = 'UnknownStageError';
  readonly stage: string;
  /** The stages the pipeline has. */
  readonly stages: readonly string[];

  constructor(stage: string, stages: readonly string[]) {
    super(
      `no stage "${stage}" in the pipeline; its stages: ${stages.join(', ')} (one per keyBy: <pipeline>.1, …)`,
    );
    this.stage = stage;
    this.stages = stages;
  }
}
