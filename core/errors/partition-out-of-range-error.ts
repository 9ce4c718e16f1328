/**
 * An append, read or consume named a partition the topic does not have.
 *
 * @example
 * await log.ensureTopic({ subject: 'orders', partitions: 2 });
 * await log.append('orders', { key: 'a', payload, msgId: 'm', partition: 2 }); // throws PartitionOutOfRangeError
 */
export class PartitionOutOfRangeError extends RangeError {
  override readonly name = 'PartitionOutOfRangeError';
  readonly subject: string;
  readonly partition: number;

  constructor(subject: string, partition: number, partitions: number) {
    super(
      `topic "${subject}" has partitions 0..${partitions - 1}; partition ${partition} does not exist (use partitionOf(key, ${partitions}) or leave partition unset)`,
    );
    this.subject = subject;
    this.partition = partition;
  }
}
