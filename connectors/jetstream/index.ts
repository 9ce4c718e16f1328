export {
  AckFailedError,
  AppendFailedError,
  ConsumerConnectionClosedError,
  JetStreamConnectError,
  TopicConfigConflictError,
} from './errors.ts';
export { JetStreamLog } from './jetstream-log.ts';
export type { JetStreamLogOptions, TopicRetention, TopicStorage } from './jetstream-log-options.ts';
export { consumerName, partitionSubject, streamName } from './names.ts';
export { redactServers } from './redact.ts';
