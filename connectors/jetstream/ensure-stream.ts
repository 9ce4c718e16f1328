import {
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
  type SubjectTransformConfig,
} from '@nats-io/jetstream';
import { PartitionCountMismatchError } from '../../core/errors/partition-count-mismatch-error.ts';
import { assertTopicSubject } from '../../core/log/topic-subject.ts';
import { SubjectTransformUnsupportedError, TopicConfigConflictError } from './errors.ts';
import type { ResolvedJetStreamLogOptions } from './jetstream-log-options.ts';
import type { JetStreamTopicConfig } from './jetstream-topic-config.ts';
import { streamName } from './names.ts';
import {
  hasPartitionTransform,
  ingestSubjects,
  partitionTransform,
  supportsSubjectTransforms,
} from './server-partitioning.ts';
import { partitionsOfStream, topicDescription, topicMetadata } from './topic-description.ts';

const NANOS_PER_MS = 1_000_000;
/** nats-server's error codes for a stream name or its subjects already taken. */
const STREAM_NAME_IN_USE = 10058;
const SUBJECTS_OVERLAP = 10065;

/** The settings of a topic's stream that eddy owns. */
type OwnedConfig = Pick<
  StreamConfig,
  | 'name'
  | 'subjects'
  | 'retention'
  | 'storage'
  | 'num_replicas'
  | 'duplicate_window'
  | 'max_age'
  | 'description'
> & { metadata?: Record<string, string>; subject_transform?: SubjectTransformConfig };

/**
 * Creates the stream of a topic, or brings an existing one to the wanted
 * settings. Safe to call from many processes at once: a lost creation race
 * falls through to the update path.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  topic: JetStreamTopicConfig,
  options: ResolvedJetStreamLogOptions,
  supportsMetadata: boolean,
  serverVersion: string,
): Promise<void> {
  assertTopicSubject(topic.subject);
  if (!Number.isInteger(topic.partitions) || topic.partitions < 1) {
    throw new RangeError(
      `topic "${topic.subject}": partitions must be a positive integer, got ${topic.partitions}`,
    );
  }
  const windowMs = topic.duplicateWindowMs ?? options.duplicateWindowMs;
  if (!Number.isFinite(windowMs) || windowMs < 0) {
    throw new RangeError(`topic "${topic.subject}": duplicateWindowMs must be >= 0, got ${windowMs}`);
  }
  if (topic.serverPartitioning === true && !supportsSubjectTransforms(serverVersion)) {
    throw new SubjectTransformUnsupportedError(topic.subject, topic.partitions, serverVersion);
  }
  let wanted = wantedConfig(topic, options, supportsMetadata, topic.serverPartitioning === true);
  let info = await streamInfo(jsm, wanted.name);
  if (info === undefined) {
    try {
      await jsm.streams.add(wanted);
      return;
    } catch (error) {
      if (apiCode(error) === SUBJECTS_OVERLAP) {
        throw new TopicConfigConflictError(
          topic.subject,
          wanted.name,
          `another stream already captures subjects "${topic.subject}.*"`,
        );
      }
      if (apiCode(error) !== STREAM_NAME_IN_USE) throw error;
      info = await streamInfo(jsm, wanted.name);
      if (info === undefined) throw error;
    }
  }
  // Absent or false never removes a transform: producers may rely on it.
  if (topic.serverPartitioning !== true && hasPartitionTransform(info.config, topic.subject)) {
    wanted = wantedConfig(topic, options, supportsMetadata, true);
  }
  checkCompatible(topic, info, wanted);
  if (differs(info.config, wanted)) {
    const { name, retention: _r, storage: _s, ...updatable } = wanted;
    await jsm.streams.update(name, updatable);
  }
}

/** The stream info of `name`, or undefined when no such stream exists. */
export async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (error) {
    if (apiCode(error) === JetStreamApiCodes.StreamNotFound) return undefined;
    throw error;
  }
}

export function apiCode(error: unknown): number | undefined {
  return error instanceof JetStreamApiError ? error.code : undefined;
}

function wantedConfig(
  topic: JetStreamTopicConfig,
  options: ResolvedJetStreamLogOptions,
  supportsMetadata: boolean,
  serverPartitioning: boolean,
): OwnedConfig {
  const maxAge = options.maxAgeMs * NANOS_PER_MS;
  let window = (topic.duplicateWindowMs ?? options.duplicateWindowMs) * NANOS_PER_MS;
  // The server refuses a dedup window longer than the messages live.
  if (maxAge > 0 && window > maxAge) window = maxAge;
  return {
    name: streamName(topic.subject),
    subjects: serverPartitioning
      ? [`${topic.subject}.*`, ingestSubjects(topic.subject)]
      : [`${topic.subject}.*`],
    retention: options.retention,
    storage: options.storage,
    num_replicas: options.replicas,
    duplicate_window: window,
    max_age: maxAge,
    description: topicDescription(topic.subject, topic.partitions),
    ...(supportsMetadata ? { metadata: topicMetadata(topic.partitions) } : {}),
    ...(serverPartitioning ? { subject_transform: partitionTransform(topic.subject, topic.partitions) } : {}),
  };
}

function checkCompatible(topic: JetStreamTopicConfig, info: StreamInfo, wanted: OwnedConfig): void {
  const { config } = info;
  const subjects = config.subjects ?? [];
  const partitioned = `${topic.subject}.*`;
  const ingest = ingestSubjects(topic.subject);
  if (!subjects.includes(partitioned) || subjects.some((s) => s !== partitioned && s !== ingest)) {
    throw new TopicConfigConflictError(
      topic.subject,
      wanted.name,
      `the stream captures [${subjects.join(', ')}], not "${wanted.subjects[0]}"`,
    );
  }
  const existing = partitionsOfStream(info);
  if (existing === undefined) {
    throw new TopicConfigConflictError(
      topic.subject,
      wanted.name,
      'the stream was not created by eddy (its description records no partition count)',
    );
  }
  if (existing !== topic.partitions)
    throw new PartitionCountMismatchError(topic.subject, existing, topic.partitions);
  const transform = config.subject_transform;
  if (transform?.dest && transform.dest !== wanted.subject_transform?.dest) {
    throw new TopicConfigConflictError(
      topic.subject,
      wanted.name,
      `its subject transform maps "${transform.src ?? '>'}" to "${transform.dest}", not eddy's partitioning`,
    );
  }
  for (const field of ['retention', 'storage'] as const) {
    if (config[field] !== wanted[field]) {
      throw new TopicConfigConflictError(
        topic.subject,
        wanted.name,
        `its ${field} is "${config[field]}" but the log is configured for "${wanted[field]}", and JetStream cannot change ${field} in place`,
      );
    }
  }
}

function differs(config: StreamConfig, wanted: OwnedConfig): boolean {
  return (
    config.num_replicas !== wanted.num_replicas ||
    config.duplicate_window !== wanted.duplicate_window ||
    config.max_age !== wanted.max_age ||
    config.description !== wanted.description ||
    (config.subjects ?? []).join(' ') !== wanted.subjects.join(' ') ||
    config.subject_transform?.dest !== wanted.subject_transform?.dest ||
    (wanted.metadata !== undefined &&
      Object.entries(wanted.metadata).some(([k, v]) => config.metadata?.[k] !== v))
  );
}
