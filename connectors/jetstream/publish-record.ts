import { type ApiError, JetStreamApiError } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import { LogClosedError } from '../../core/errors/log-closed-error.ts';
import { RecordRefusedError } from '../../core/errors/record-refused-error.ts';
import { AppendFailedError } from './errors.ts';
import type { RequestBatcher } from './request-batcher.ts';

const RETRY_DELAYS_MS = [100, 250, 500, 1_000, 2_000];
/** nats-server: "message size exceeds maximum allowed" (the stream's max_msg_size). */
const MESSAGE_TOO_LARGE = 10054;

/** What JetStream answered to a publish. */
export interface StoredAt {
  readonly seq: number;
  readonly duplicate: boolean;
}

export interface PublishAttempts {
  readonly timeoutMs: number;
  readonly attempts: number;
}

/**
 * Publishes one message to the stream capturing `target` and waits for its
 * PubAck. A publish that got no answer may still have been stored, so it is
 * sent again with the same headers, msg id included: the stream drops the
 * copy and answers `duplicate`. Errors the stream answers with are thrown as
 * nats.js `JetStreamApiError`s.
 */
export async function publishRecord(
  requests: RequestBatcher,
  topic: string,
  target: string,
  payload: Uint8Array,
  headers: MsgHdrs,
  msgId: string,
  { timeoutMs, attempts }: PublishAttempts,
): Promise<StoredAt> {
  let reason = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const outcome = await requests.request(target, payload, timeoutMs, headers);
    if (outcome.kind === 'reply') return parsePubAck(topic, outcome.msg.data);
    if (outcome.kind === 'closed') throw new LogClosedError('append');
    if (outcome.kind === 'refused') {
      // Checked against max_payload before sending: the server's limit changed meanwhile (a reconnect).
      const why = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      throw new RecordRefusedError(topic, `the NATS client refused the record for "${topic}": ${why}`);
    }
    reason =
      outcome.kind === 'timeout'
        ? `no PubAck within ${timeoutMs} ms`
        : `no stream listens on "${target}" (was the topic's stream deleted?)`;
    if (attempt < attempts) await delay(RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1] ?? 0);
  }
  throw new AppendFailedError(topic, msgId, attempts, reason);
}

function parsePubAck(topic: string, data: Uint8Array): StoredAt {
  const ack: unknown = JSON.parse(new TextDecoder().decode(data));
  if (typeof ack === 'object' && ack !== null) {
    if ('error' in ack && isApiError(ack.error)) {
      if (ack.error.err_code === MESSAGE_TOO_LARGE) {
        throw new RecordRefusedError(
          topic,
          `JetStream refused the record for "${topic}": ${ack.error.description} (the stream's max_msg_size); make it smaller or raise the limit`,
        );
      }
      throw new JetStreamApiError(ack.error);
    }
    if ('seq' in ack && typeof ack.seq === 'number') {
      return { seq: ack.seq, duplicate: 'duplicate' in ack && ack.duplicate === true };
    }
  }
  throw new TypeError(
    `JetStream answered a publish with something that is not a PubAck: ${JSON.stringify(ack)}`,
  );
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    typeof value.code === 'number' &&
    'description' in value &&
    typeof value.description === 'string'
  );
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
