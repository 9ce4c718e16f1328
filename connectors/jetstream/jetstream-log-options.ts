import type { Logger } from '../../core/logger.ts';

/**
 * How messages leave a topic's stream.
 * - `limits` (the one eddy's exactly-once design assumes): kept until `maxAgeMs`.
 * - `workqueue`: removed once acked; one durable per partition, and `read` is
 *   refused by JetStream (it allows no ack-less consumer on a work queue).
 * - `interest`: removed once every consumer acked, and never stored while no
 *   consumer exists. A takeover deletes and re-creates the consumer (nats-server
 *   2.9 cannot reset one), so records appended or unacked in that gap are lost
 *   unless another durable holds interest. Avoid it for stage inputs.
 */
export type TopicRetention = 'limits' | 'interest' | 'workqueue';

/** `file` survives a server restart; `memory` is for tests and scratch topics. */
export type TopicStorage = 'file' | 'memory';

/** Settings of a `JetStreamLog`; every field has a default. */
export interface JetStreamLogOptions {
  /** Retention of the streams `ensureTopic` creates. Default `limits`. Cannot change later. */
  readonly retention?: TopicRetention;
  /** Storage of the streams `ensureTopic` creates. Default `file`. Cannot change later. */
  readonly storage?: TopicStorage;
  /** Stream replicas (1 on a single server, 3 or 5 on a cluster). Default 1. */
  readonly replicas?: number;
  /** Deduplication window when the topic does not set one. Default 120 000 ms. */
  readonly duplicateWindowMs?: number;
  /** Messages older than this are removed; 0 keeps them forever. Default 0. */
  readonly maxAgeMs?: number;
  /** How long one publish attempt waits for its PubAck. Default 5 000 ms. */
  readonly publishTimeoutMs?: number;
  /** Publish attempts (same msgId each time) before `append` fails. Default 4. */
  readonly publishAttempts?: number;
  /**
   * How long an ack waits for JetStream's confirmation (double ack) before
   * `Delivery.ack` rejects. Default 5 000 ms.
   */
  readonly ackTimeoutMs?: number;
  /** Records pulled per request by consumers (capped by `maxAckPending`). Default 1 000. */
  readonly pullBatch?: number;
  /**
   * After a consumer vanishes, wait this long before re-creating it, so that a
   * takeover by another `consume` of the same name (delete, then create) wins.
   * Default 1 000 ms.
   */
  readonly recoveryDelayMs?: number;
  /**
   * Prefix of the reply subjects PubAcks and ack confirmations come back on; set
   * it to the connection's `inboxPrefix` when permissions restrict inboxes.
   * Default `_INBOX`.
   */
  readonly inboxPrefix?: string;
  /** Receives warnings about recoveries; a pino logger fits. Default: silent. */
  readonly logger?: Pick<Logger, 'warn'>;
}

/** The options with every default filled in. */
export type ResolvedJetStreamLogOptions = Required<JetStreamLogOptions>;

export function resolveOptions(options: JetStreamLogOptions = {}): ResolvedJetStreamLogOptions {
  return {
    retention: options.retention ?? 'limits',
    storage: options.storage ?? 'file',
    replicas: options.replicas ?? 1,
    duplicateWindowMs: options.duplicateWindowMs ?? 120_000,
    maxAgeMs: options.maxAgeMs ?? 0,
    publishTimeoutMs: options.publishTimeoutMs ?? 5_000,
    publishAttempts: Math.max(1, options.publishAttempts ?? 4),
    ackTimeoutMs: options.ackTimeoutMs ?? 5_000,
    pullBatch: Math.max(1, options.pullBatch ?? 1_000),
    recoveryDelayMs: options.recoveryDelayMs ?? 1_000,
    inboxPrefix: options.inboxPrefix ?? '_INBOX',
    logger: options.logger ?? { warn: () => {} },
  };
}
