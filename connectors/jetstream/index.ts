export {
  AckFailedError,
  AppendFailedError,
  ConsumerConnectionClosedError,
  JetStreamConnectError,
  PartitionCountMismatchError,
  PartitionOutOfRangeError,
  TopicConfigConflictError,
  TopicNotFoundError,
} from './errors.ts';
export { JetStreamLog } from './jetstream-log.ts';
export type { JetStreamLogOptions, TopicRetention, TopicStorage } from './jetstream-log-options.ts';
export { consumerName, partitionSubject, streamName } from './names.ts';
export { redactServers } from './redact.ts';
