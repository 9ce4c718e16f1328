export { LogClosedError } from '../errors/log-closed-error.ts';
export { PartitionCountMismatchError } from '../errors/partition-count-mismatch-error.ts';
export { PartitionOutOfRangeError } from '../errors/partition-out-of-range-error.ts';
export { TopicNotFoundError } from '../errors/topic-not-found-error.ts';
export { recordBytes } from './append-rules.ts';
export type {
  AckMode,
  AppendAck,
  AppendRecord,
  Consumer,
  ConsumerOptions,
  Delivery,
  Log,
  RecordOutline,
  TopicConfig,
} from './log.ts';
export { MemoryLog, type MemoryLogOptions } from './memory-log.ts';
export { partitionOf } from './partition-of.ts';
export { keyProblem, MAX_KEY_BYTES } from './record-key.ts';
