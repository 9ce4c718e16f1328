import type { StreamInfo } from '@nats-io/jetstream';

const METADATA_KEY = 'eddy-partitions';
const DESCRIPTION_COUNT = /with (\d+) partitions?\b/;

/**
 * The stream description that records a topic's partition count. The
 * description is the only free-form stream field on nats-server 2.9 (stream
 * metadata needs 2.10), so any process can read the count back from it.
 */
export function topicDescription(subject: string, partitions: number): string {
  return `eddy topic "${subject}" with ${partitions} partitions (eddy reads the count from here: do not edit)`;
}

/** Stream metadata recording the partition count, for servers that support metadata. */
export function topicMetadata(partitions: number): Record<string, string> {
  return { [METADATA_KEY]: String(partitions) };
}

/** The partition count a stream records, or undefined when eddy did not create it. */
export function partitionsOfStream(info: StreamInfo): number | undefined {
  const fromMetadata = info.config.metadata?.[METADATA_KEY];
  const text = fromMetadata ?? DESCRIPTION_COUNT.exec(info.config.description ?? '')?.[1];
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}
