import { redactServers, redactText } from './redact.ts';

/** The stream behind a topic exists with settings JetStream cannot change in place. */
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

/** A publish got no PubAck after its bounded retries; it may or may not have been stored. */
export class AppendFailedError extends Error {
  override readonly name = 'AppendFailedError';
  readonly subject: string;
  readonly msgId: string;

  constructor(subject: string, msgId: string, attempts: number, cause: unknown) {
    super(
      `append to "${subject}" with msgId "${msgId}" got no acknowledgement after ${attempts} attempts; it may have been stored, so retry with the same msgId (the stream deduplicates it)`,
      { cause },
    );
    this.subject = subject;
    this.msgId = msgId;
  }
}

/** JetStream did not confirm an ack; the record stays pending and will be delivered again. */
export class AckFailedError extends Error {
  override readonly name = 'AckFailedError';
  readonly subject: string;
  readonly partition: number;
  readonly seq: number;

  constructor(subject: string, partition: number, seq: number, reason: string, cause?: unknown) {
    super(
      `ack of "${subject}" partition ${partition} seq ${seq} was not confirmed (${reason}); the record will be redelivered, so the consumer must skip what it already applied`,
      { cause },
    );
    this.subject = subject;
    this.partition = partition;
    this.seq = seq;
  }
}

/** Connecting to NATS failed. The message names the servers without credentials. */
export class JetStreamConnectError extends Error {
  override readonly name = 'JetStreamConnectError';

  constructor(servers: string | readonly string[], cause: unknown) {
    super(
      `could not connect to NATS at ${redactServers(servers)}: ${redactText(cause instanceof Error ? cause.message : String(cause))}; check that nats-server runs with JetStream (-js) and the URL is right`,
    );
  }
}

/** The NATS connection under a consumer closed while the consumer was still open. */
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
