import type { StreamConfig, SubjectTransformConfig } from '@nats-io/jetstream';
import type { TopicConfig } from '../../core/log/log.ts';

/**
 * Partitioning by the server, for producers that do not run eddy: they publish
 * to `<subject>.in.<key>` (the key one subject token, with an `Eddy-Key`
 * header carrying it) and nats-server rewrites the subject to
 * `<subject>.<partition>` with `{{partition(N,1)}}`, which hashes the token
 * with FNV-1a 32 mod N — the same function as `partitionOf`, so such records
 * land where eddy's own appends of that key do. On nats-server ≥ 2.10 the
 * topic's stream does it (`serverPartitioning: true`); before that, a
 * `mappings` block in the server or account configuration does
 * (`mappingsConfig`).
 */

/** The subjects producers that do not run eddy publish to: `<subject>.in.<key>`. */
export function ingestSubjects(subject: string): string {
  return `${subject}.in.*`;
}

/** The rewrite of `<subject>.in.<key>` to `<subject>.<partitionOf(key, partitions)>`. */
export function partitionTransform(subject: string, partitions: number): Required<SubjectTransformConfig> {
  return { src: ingestSubjects(subject), dest: `${subject}.{{partition(${partitions},1)}}` };
}

/**
 * The nats-server configuration (server or account level, 2.8+) that
 * partitions external publishes to these topics on servers without stream
 * subject transforms. All topics go in one block: a second `mappings` block
 * would replace the first.
 *
 * @example
 * mappingsConfig([{ subject: 'orders', partitions: 4 }]);
 * // mappings = {
 * //   "orders.in.*": "orders.{{partition(4,1)}}"
 * // }
 */
export function mappingsConfig(topics: readonly Pick<TopicConfig, 'subject' | 'partitions'>[]): string {
  const lines = topics.map(({ subject, partitions }) => {
    const { src, dest } = partitionTransform(subject, partitions);
    return `  ${JSON.stringify(src)}: ${JSON.stringify(dest)}`;
  });
  return `mappings = {\n${lines.join('\n')}\n}`;
}

/** Stream subject transforms exist from nats-server 2.10. */
export function supportsSubjectTransforms(serverVersion: string): boolean {
  const [major = 0, minor = 0] = serverVersion.split('.').map((part) => Number.parseInt(part, 10));
  return major > 2 || (major === 2 && minor >= 10);
}

/** Whether a stream already carries the partitioning transform of its topic. */
export function hasPartitionTransform(
  config: Pick<StreamConfig, 'subject_transform'>,
  subject: string,
): boolean {
  return config.subject_transform?.src === ingestSubjects(subject);
}
