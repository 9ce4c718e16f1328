/**
 * `Log.ensureTopic` asked for a partition count other than the one the topic
 * was created with. The count is fixed because keys map to partitions by hash.
 *
 * @example
 * await log.ensureTopic({ subject: 'orders', partitions: 4 });
 * await log.ensureTopic({ subject: 'orders', partitions: 8 }); // throws PartitionCountMismatchError
 */
export class PartitionCountMismatchError extends Error {
  override readonly name = 'PartitionCountMismatchError';
  readonly subject: string;
  readonly existing: number;
  readonly requested: number;

  constructor(subject: string, existing: number, requested: number) {
    super(
      `topic "${subject}" has ${existing} partitions, not ${requested}; the count is fixed because keys map to partitions by hash, so use a new subject to repartition`,
    );
    this.subject = subject;
    this.existing = existing;
    this.requested = requested;
  }
}
