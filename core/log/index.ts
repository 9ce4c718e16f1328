export { LogClosedError } from '../errors/log-closed-error.ts';
export { PartitionCountMismatchError } from '../errors/partition-count-mismatch-error.ts';
export { PartitionOutOfRangeError } from '../errors/partition-out-of-range-error.ts';
export { TopicNotFoundError } from '../errors/topic-not-found-error.ts';
export type {
  AckMode,
  AppendAck,
  AppendRecord,
  Consumer,
  ConsumerOptions,
  Delivery,
  Log,
  TopicConfig,
} from './log.ts';
export { MemoryLog, type MemoryLogOptions } from './memory-log.ts';
export { partitionOf } from './partition-of.ts';
