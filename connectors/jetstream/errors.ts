import { redactServers, redactText } from './redact.ts';
import { mappingsConfig } from './server-partitioning.ts';

/**
 * The stream behind a topic exists with settings JetStream cannot change in
 * place (retention, storage), captures other subjects, or was not made by eddy.
 *
 * @example
 * await new JetStreamLog(nc, { retention: 'interest' }).ensureTopic({ subject: 'orders', partitions: 4 });
 * // throws TopicConfigConflictError when "orders" was created with retention "limits"
 */
export class TopicConfigConflictError extends Error {
  override readonly name = 'TopicConfigConflictError';
  readonly subject: string;
  readonly stream: string;

  constructor(subject: string, stream: string, detail: string) {
    super(
      `topic "${subject}" (stream "${stream}"): ${detail}; delete the stream or configure the log to match it`,
    );
    this.subject = subject;
    this.stream = stream;
  }
}

/**
 * A publish got no PubAck after its bounded retries; it may or may not have been stored.
 *
 * @example
 * try { await log.append('orders', record); }
 * catch (e) { if (e instanceof AppendFailedError) await log.append('orders', record); } // same msgId: deduplicated
 */
export class AppendFailedError extends Error {
  override readonly name = 'AppendFailedError';
  readonly subject: string;
  readonly msgId: string;

  constructor(subject: string, msgId: string, attempts: number, reason: string) {
    super(
      `append to "${subject}" with msgId "${msgId}" failed after ${attempts} attempts (${reason}); it may have been stored, so retry with the same msgId (the stream deduplicates it)`,
    );
    this.subject = subject;
    this.msgId = msgId;
  }
}

/**
 * JetStream did not confirm an ack; the record stays pending and will be delivered again.
 *
 * @example
 * await delivery.ack().catch((e) => { if (!(e instanceof AckFailedError)) throw e; }); // the redelivery is skipped
 */
export class AckFailedError extends Error {
  override readonly name = 'AckFailedError';
  readonly subject: string;
  readonly partition: number;
  readonly seq: number;

  constructor(subject: string, partition: number, seq: number, reason: string) {
    super(
      `ack of "${subject}" partition ${partition} seq ${seq} was not confirmed (${reason}); the record will be redelivered, so the consumer must skip what it already applied`,
    );
    this.subject = subject;
    this.partition = partition;
    this.seq = seq;
  }
}

/**
 * Connecting to NATS failed. The message names the servers without credentials.
 *
 * @example
 * await JetStreamLog.connect({ servers: 'nats://app:secret@nats:4222' }); // message shows nats://***@nats:4222
 */
export class JetStreamConnectError extends Error {
  override readonly name = 'JetStreamConnectError';

  constructor(servers: string | readonly string[], cause: unknown) {
    super(
      `could not connect to NATS at ${redactServers(servers)}: ${redactText(cause instanceof Error ? cause.message : String(cause))}; check that nats-server runs with JetStream (-js) and the URL is right`,
    );
  }
}

/**
 * The NATS connection under a consumer closed while the consumer was still open
 * (closed by its owner, or reconnect attempts ran out).
 *
 * @example
 * for await (const d of consumer) { ... } // throws ConsumerConnectionClosedError after nc.close()
 */
export class ConsumerConnectionClosedError extends Error {
  override readonly name = 'ConsumerConnectionClosedError';
  readonly subject: string;
  readonly partition: number;

  constructor(subject: string, partition: number) {
    super(
      `the NATS connection of the consumer of "${subject}" partition ${partition} closed; connect again and consume from the committed watermark`,
    );
    this.subject = subject;
    this.partition = partition;
  }
}

/**
 * `acks: 'none'` was asked of a topic whose stream does not keep records by
 * limits. A work-queue stream requires explicit acks, and an interest stream
 * drops what an ack-less consumer was handed, so a reader that re-reads from
 * its committed position after a crash would find those records gone.
 *
 * @example
 * log.consume('jobs', 0, { durable: 'w', fromSeq: 1, acks: 'none' }); // iteration throws on a work queue
 */
export class AcklessConsumerRetentionError extends Error {
  override readonly name = 'AcklessConsumerRetentionError';
  readonly subject: string;
  readonly retention: string;

  constructor(subject: string, stream: string, retention: string) {
    super(
      `topic "${subject}" (stream "${stream}") has ${retention} retention, which an ack-less consumer (acks: 'none') cannot read safely; consume it with acks: 'explicit', or create the topic with limits retention`,
    );
    this.subject = subject;
    this.retention = retention;
  }
}

/**
 * `serverPartitioning` was asked of a server without stream subject transforms
 * (before nats-server 2.10). The message gives the `mappings` block that
 * partitions the same way in the server (or account) configuration.
 *
 * @example
 * await log.ensureTopic({ subject: 'orders', partitions: 4, serverPartitioning: true }); // on 2.9: throws
 */
export class SubjectTransformUnsupportedError extends Error {
  override readonly name = 'SubjectTransformUnsupportedError';
  readonly subject: string;
  readonly serverVersion: string;

  constructor(subject: string, partitions: number, serverVersion: string) {
    super(
      `topic "${subject}": serverPartitioning needs a stream subject transform, which nats-server 2.10 added, but the server runs ${serverVersion}; upgrade the server, or leave serverPartitioning off and add this to the nats-server (or account) configuration, which partitions external publishes the same way:\n${mappingsConfig([{ subject, partitions }])}`,
    );
    this.subject = subject;
    this.serverVersion = serverVersion;
  }
}
