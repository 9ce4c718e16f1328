import type { StreamInfo } from '@nats-io/jetstream';
import { PartitionOutOfRangeError } from '../../core/errors/partition-out-of-range-error.ts';
import type { ConsumerOptions } from '../../core/log/log.ts';
import { TopicConfigConflictError } from './errors.ts';
import { partitionsOfStream } from './topic-description.ts';

/** What `JetStreamLog` checks of its callers' arguments and of the streams it finds. */
export function eddyPartitions(subject: string, info: StreamInfo): number {
  const n = partitionsOfStream(info);
  if (n === undefined) {
    throw new TopicConfigConflictError(
      subject,
      info.config.name,
      'the stream was not created by eddy (its description records no partition count)',
    );
  }
  return n;
}

export function checkPartition(subject: string, partition: number, partitions: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
    throw new PartitionOutOfRangeError(subject, partition, partitions);
  }
}

export function checkConsumerOptions(options: ConsumerOptions): void {
  const { fromSeq, ackWaitMs, maxAckPending } = options;
  if (!Number.isInteger(fromSeq) || fromSeq < 1) {
    throw new RangeError(`fromSeq must be an integer >= 1, got ${fromSeq}`);
  }
  if (ackWaitMs !== undefined && (!Number.isFinite(ackWaitMs) || ackWaitMs <= 0)) {
    throw new RangeError(`ackWaitMs must be a positive number of milliseconds, got ${ackWaitMs}`);
  }
  if (maxAckPending !== undefined && (!Number.isInteger(maxAckPending) || maxAckPending < 1)) {
    throw new RangeError(`maxAckPending must be a positive integer, got ${maxAckPending}`);
  }
  if (options.acks !== undefined && options.acks !== 'explicit' && options.acks !== 'none') {
    throw new RangeError(`acks must be 'explicit' or 'none', got ${String(options.acks)}`);
  }
}
