import type { JsMsg } from '@nats-io/jetstream';
import type { Envelope, Origin } from '../../core/envelope.ts';
import { RESERVED_HEADER, VERBATIM } from '../../core/log/append-rules.ts';
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
/** An eddy watermark control record (see `Envelope.control`). */
export const CONTROL_HEADER = 'Eddy-Control';
/** JetStream's deduplication header. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

/**
 * The headers a record is published with: the user's headers, the msg id
 * (`Nats-Msg-Id`, which JetStream deduplicates by), the key and the event time
 * (the append time when the record has none, so every reader sees the same
 * value). The record must have passed `checkAppend`.
 */
export function publishHeaders(record: RecordHead, now: number): EncodedHeaders {
  return new EncodedHeaders(headerEntries(record, now));
}

/** What a record's headers are made of: all of it but the payload. */
export type RecordHead = Omit<AppendRecord, 'payload'>;

/**
 * The size of the header block `publishHeaders` encodes, computed without
 * encoding it (`NATS/1.0`, then `\r\nName: value` per header, then `\r\n\r\n`).
 */
export function headerBlockBytes(record: RecordHead, now: number): number {
  let bytes = 12;
  for (const [name, value] of headerEntries(record, now)) bytes += 4 + name.length + Buffer.byteLength(value);
  return bytes;
}

function headerEntries(record: RecordHead, now: number): [string, string][] {
  const entries: [string, string][] = Object.entries(record.headers ?? {});
  if (VERBATIM.test(record.key)) {
    entries.push([KEY_HEADER, record.key]);
  } else {
    entries.push([KEY_HEADER, encodeURIComponent(record.key)], [KEY_ENCODING_HEADER, 'uri']);
  }
  entries.push([EVENT_TIME_HEADER, String(record.eventTime ?? now)], [MSG_ID_HEADER, record.msgId]);
  if (record.origin) {
    entries.push([ORIGIN_HEADER, record.origin.id], [ORIGIN_SEQ_HEADER, String(record.origin.seq)]);
  }
  if (record.control) entries.push([CONTROL_HEADER, record.control]);
  return entries;
}

/** The envelope of a stored message of partition `partition` of topic `subject`. */
export function toEnvelope(subject: string, partition: number, msg: JsMsg): Envelope<Uint8Array> {
  const seq = msg.seq;
  const user: Record<string, string> = {};
  let key: string | undefined;
  let id = `${subject}:${partition}:${seq}`;
  let time = Number.NaN;
  let encoding = '';
  let originId = '';
  let originSeq = Number.NaN;
  let control = false;
  const { values, malformed } = headerValues(msg);
  for (const [name, value] of values) {
    if (name === KEY_HEADER) key = value;
    else if (name === ORIGIN_HEADER) originId = value;
    else if (name === ORIGIN_SEQ_HEADER) originSeq = Number(value);
    else if (name === MSG_ID_HEADER) id = value === '' ? id : value;
    else if (name === EVENT_TIME_HEADER) time = Number(value || Number.NaN);
    else if (name === KEY_ENCODING_HEADER) encoding = value;
    else if (name === CONTROL_HEADER) control = value === 'watermark';
    else if (!RESERVED_HEADER.test(name)) user[name] = value;
  }
  if (encoding === 'uri' && key !== undefined) key = decodeKey(key);
  const eventTime = Number.isFinite(time) ? time : Math.floor(msg.info.timestampNanos / 1_000_000);
  // A foreign or damaged pair is ignored: the record is then not deduplicated by origin.
  const origin: Origin | undefined =
    originId !== '' && Number.isSafeInteger(originSeq) && originSeq >= 1
      ? { id: originId, seq: originSeq }
      : undefined;
  // eddy's own appends always carry a well-formed key; another producer's may not.
  const keyProblem =
    key === undefined
      ? `the record has no ${KEY_HEADER} header (published by a producer outside eddy?)`
      : malformed
        ? `the record's headers are not valid UTF-8, so its ${KEY_HEADER} cannot be read exactly`
        : undefined;
  return {
    subject,
    key: key ?? '',
    seq,
    id,
    eventTime,
    payload: msg.data,
    headers: user,
    partition,
    ...(origin ? { origin } : {}),
    ...(control ? { control: 'watermark' as const } : {}),
    ...(keyProblem !== undefined ? { keyProblem } : {}),
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
