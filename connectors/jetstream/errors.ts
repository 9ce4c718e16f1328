import { redactServers, redactText } from './redact.ts';

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
