/**
 * A commit was refused because another owner claimed the partition since.
 * The instance must stop processing that partition at once; the new owner
 * resumes from the committed watermark, so nothing is lost.
 */
export class FencedError extends Error {
  override readonly name = 'FencedError';
  readonly stage: string;
  readonly partition: number;
  readonly epoch: number;

  constructor(stage: string, partition: number, epoch: number) {
    super(
      `partition ${partition} of stage "${stage}" was claimed by another owner (our epoch ${epoch} is stale); stop processing it and let the new owner continue`,
    );
    this.stage = stage;
    this.partition = partition;
    this.epoch = epoch;
  }
}
