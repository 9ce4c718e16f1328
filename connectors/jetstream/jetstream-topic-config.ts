import type { TopicConfig } from '../../core/log/log.ts';

/** A topic of a `JetStreamLog`: the portable settings plus what only JetStream can do. */
export interface JetStreamTopicConfig extends TopicConfig {
  /**
   * Producers that do not run eddy may publish to `<subject>.in.<key>` (the key
   * a single subject token, also sent in an `Eddy-Key` header): the stream
   * rewrites the subject to `<subject>.<partitionOf(key, partitions)>` with a
   * subject transform (`{{partition(N,1)}}`, the same FNV-1a hash). Needs
   * nats-server 2.10; on older servers `ensureTopic` throws
   * `SubjectTransformUnsupportedError`, whose message gives the `mappings`
   * block that does the same in the server configuration. `false` or absent
   * leaves an existing transform in place (remove it by editing the stream).
   *
   * @example
   * await log.ensureTopic({ subject: 'orders', partitions: 4, serverPartitioning: true });
   * // a producer: nats pub orders.in.alice '{}' -H Eddy-Key:alice
   */
  readonly serverPartitioning?: boolean;
}
