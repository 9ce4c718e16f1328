import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { Envelope, Origin } from '../../core/envelope.ts';
import type { AppendRecord } from '../../core/log/log.ts';
import { EncodedHeaders } from './encoded-headers.ts';
import { headerValues } from './raw-headers.ts';

export const KEY_HEADER = 'Eddy-Key';
/** Present when the key was percent-encoded because a header cannot carry it verbatim. */
export const KEY_ENCODING_HEADER = 'Eddy-Key-Encoding';
export const EVENT_TIME_HEADER = 'Eddy-Event-Time';
/** An eddy stage's output: the sending stage and partition, and the output's sequence (see `Envelope.origin`). */
export const ORIGIN_HEADER = 'Eddy-Origin';
export const ORIGIN_SEQ_HEADER = 'Eddy-Origin-Seq';
/** JetStream's deduplication header. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';
const RESERVED = /^(eddy|nats)-/i;
/** NATS header values cannot hold CR/LF and lose surrounding whitespace. */
const VERBATIM = /^(?![\s])[^\r\n]*(?<![\s])$/;
/** What NATS accepts as a header name: printable ASCII without `:`. */
const HEADER_NAME = /^[!-9;-~]+$/;

/**
 * The headers a record is published with: the user's headers, the msg id
 * (`Nats-Msg-Id`, which JetStream deduplicates by), the key and the event time
 * (the append time when the record has none, so every reader sees the same value).
 */
export function publishHeaders(record: AppendRecord, now: number): MsgHdrs {
  if (!VERBATIM.test(record.msgId) || record.msgId === '') {
    throw new TypeError(
      `msgId "${record.msgId}" cannot be a JetStream Nats-Msg-Id: use a non-empty id without line breaks or surrounding whitespace`,
    );
  }
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (RESERVED.test(name)) {
      throw new TypeError(
        `header "${name}" is reserved (Eddy-* and Nats-* belong to eddy and JetStream); rename it`,
      );
    }
    if (!HEADER_NAME.test(name)) {
      throw new TypeError(
        `header name "${name}" is not valid for NATS (printable ASCII without ':' or spaces); rename it`,
      );
    }
    if (!VERBATIM.test(value)) {
      throw new TypeError(
        `header "${name}" cannot be carried by NATS verbatim (line breaks or surrounding whitespace); encode the value`,
      );
    }
    entries.push([name, value]);
  }
  if (VERBATIM.test(record.key)) {
    entries.push([KEY_HEADER, record.key]);
  } else {
    entries.push([KEY_HEADER, encodeURIComponent(record.key)], [KEY_ENCODING_HEADER, 'uri']);
  }
  entries.push([EVENT_TIME_HEADER, String(record.eventTime ?? now)], [MSG_ID_HEADER, record.msgId]);
  if (record.origin) {
    const { id, seq } = record.origin;
    if (!VERBATIM.test(id) || id === '' || !Number.isSafeInteger(seq) || seq < 1) {
      throw new TypeError(`origin ${JSON.stringify(record.origin)} cannot be carried in NATS headers`);
    }
    entries.push([ORIGIN_HEADER, id], [ORIGIN_SEQ_HEADER, String(seq)]);
  }
  return new EncodedHeaders(entries);
}

/** The envelope of a stored message of partition `partition` of topic `subject`. */
export function toEnvelope(subject: string, partition: number, msg: JsMsg): Envelope<Uint8Array> {
  const seq = msg.seq;
  const user: Record<string, string> = {};
  let key = '';
  let id = `${subject}:${partition}:${seq}`;
  let time = Number.NaN;
  let encoding = '';
  let originId = '';
  let originSeq = Number.NaN;
  for (const [name, value] of headerValues(msg)) {
    if (name === KEY_HEADER) key = value;
    else if (name === ORIGIN_HEADER) originId = value;
    else if (name === ORIGIN_SEQ_HEADER) originSeq = Number(value);
    else if (name === MSG_ID_HEADER) id = value === '' ? id : value;
    else if (name === EVENT_TIME_HEADER) time = Number(value || Number.NaN);
    else if (name === KEY_ENCODING_HEADER) encoding = value;
    else if (!RESERVED.test(name)) user[name] = value;
  }
  if (encoding === 'uri') key = decodeKey(key);
  const eventTime = Number.isFinite(time) ? time : Math.floor(msg.info.timestampNanos / 1_000_000);
  // A foreign or damaged pair is ignored: the record is then not deduplicated by origin.
  const origin: Origin | undefined =
    originId !== '' && Number.isSafeInteger(originSeq) && originSeq >= 1
      ? { id: originId, seq: originSeq }
      : undefined;
  return {
    subject,
    key,
    seq,
    id,
    eventTime,
    payload: msg.data,
    headers: user,
    partition,
    ...(origin ? { origin } : {}),
  };
}

/** A foreign producer may mark a key as encoded without encoding it: keep it as sent then. */
function decodeKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
