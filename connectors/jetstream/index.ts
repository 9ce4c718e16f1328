export {
  AckFailedError,
  AcklessConsumerRetentionError,
  AppendFailedError,
  ConsumerConnectionClosedError,
  JetStreamConnectError,
  SubjectTransformUnsupportedError,
  TopicConfigConflictError,
} from './errors.ts';
export { JetStreamLog } from './jetstream-log.ts';
export type { JetStreamLogOptions, TopicRetention, TopicStorage } from './jetstream-log-options.ts';
export type { JetStreamTopicConfig } from './jetstream-topic-config.ts';
export { type KvLookupTableOptions, kvLookupTable } from './kv-lookup-table.ts';
export { consumerName, partitionSubject, streamName } from './names.ts';
export { redactServers } from './redact.ts';
export { ingestSubjects, mappingsConfig } from './server-partitioning.ts';
