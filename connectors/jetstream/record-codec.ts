import type { JsMsg } from '@nats-io/jetstream';
import { type MsgHdrs, headers as natsHeaders } from '@nats-io/transport-node';
import type { Envelope } from '../../core/envelope.ts';
import type { AppendRecord } from '../../core/log/log.ts';

export const KEY_HEADER = 'Eddy-Key';
/** Present when the key was percent-encoded because a header cannot carry it verbatim. */
export const KEY_ENCODING_HEADER = 'Eddy-Key-Encoding';
export const EVENT_TIME_HEADER = 'Eddy-Event-Time';
/** JetStream's deduplication header. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';
const RESERVED = /^(eddy|nats)-/i;
/** NATS header values cannot hold CR/LF and lose surrounding whitespace. */
const VERBATIM = /^(?![\s])[^\r\n]*(?<![\s])$/;

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
  const h = natsHeaders();
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    if (RESERVED.test(name)) {
      throw new TypeError(
        `header "${name}" is reserved (Eddy-* and Nats-* belong to eddy and JetStream); rename it`,
      );
    }
    if (!VERBATIM.test(value)) {
      throw new TypeError(
        `header "${name}" cannot be carried by NATS verbatim (line breaks or surrounding whitespace); encode the value`,
      );
    }
    h.set(name, value);
  }
  if (VERBATIM.test(record.key)) {
    h.set(KEY_HEADER, record.key);
  } else {
    h.set(KEY_HEADER, encodeURIComponent(record.key));
    h.set(KEY_ENCODING_HEADER, 'uri');
  }
  h.set(EVENT_TIME_HEADER, String(record.eventTime ?? now));
  h.set(MSG_ID_HEADER, record.msgId);
  return h;
}

/** The envelope of a stored message of partition `partition` of topic `subject`. */
export function toEnvelope(subject: string, partition: number, msg: JsMsg): Envelope<Uint8Array> {
  const h = msg.headers;
  const seq = msg.seq;
  const user: Record<string, string> = {};
  let key = '';
  let id = `${subject}:${partition}:${seq}`;
  let eventTime = Math.floor(msg.info.timestampNanos / 1_000_000);
  if (h !== undefined) {
    for (const name of h.keys()) {
      if (!RESERVED.test(name)) user[name] = h.get(name);
    }
    key = h.get(KEY_ENCODING_HEADER) === 'uri' ? decodeKey(h.get(KEY_HEADER)) : h.get(KEY_HEADER);
    const msgId = h.get(MSG_ID_HEADER);
    if (msgId !== '') id = msgId;
    const time = Number(h.get(EVENT_TIME_HEADER) || Number.NaN);
    if (Number.isFinite(time)) eventTime = time;
  }
  return { subject, key, seq, id, eventTime, payload: msg.data, headers: user, partition };
}

/** A foreign producer may mark a key as encoded without encoding it: keep it as sent then. */
function decodeKey(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return encoded;
  }
}
