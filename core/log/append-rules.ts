import { InvalidRecordError } from '../errors/record-refused-error.ts';
import { hasLoneSurrogate, shown } from '../text.ts';
import type { RecordOutline } from './log.ts';
import { keyProblem } from './record-key.ts';

/** `Eddy-*` and `Nats-*` headers belong to eddy and JetStream. */
export const RESERVED_HEADER = /^(eddy|nats)-/i;
/** What a NATS header (and so every Log) carries verbatim: no line breaks, no surrounding whitespace. */
export const VERBATIM = /^(?![\s])[^\r\n]*(?<![\s])$/;
/** What NATS accepts as a header name: printable ASCII without `:`. */
const HEADER_NAME = /^[!-9;-~]+$/;
/** Msg ids and origin ids travel in headers and key outbox rows: keep them well inside a btree entry. */
export const MAX_ID_LENGTH = 1024;

/**
 * Throws `InvalidRecordError` unless every Log can carry `record` exactly: a
 * valid key (see `keyProblem`), a msg id and header values without line breaks
 * or surrounding whitespace, header names NATS accepts and that are not
 * reserved, no lone surrogates (UTF-8 cannot carry them), a well-formed origin.
 * The memory log and JetStream both apply it, so a pipeline that runs on one
 * runs on the other. Size limits are each log's own.
 *
 * @example
 * checkAppend('orders', { key: 'k', msgId: 'm1', headers: { 'Eddy-Phase': 'x' } }); // throws: reserved
 */
export function checkAppend(subject: string, record: Omit<RecordOutline, 'payloadBytes'>): void {
  const key = keyProblem(record.key);
  if (key !== undefined) throw new InvalidRecordError(subject, 'key', key);
  const id = idProblem(record.msgId);
  if (id !== undefined)
    throw new InvalidRecordError(subject, 'msgId', `msgId ${shownAny(record.msgId)} ${id}`);
  for (const [name, value] of Object.entries(record.headers ?? {})) {
    const problem = headerProblem(name, value);
    if (problem !== undefined) throw new InvalidRecordError(subject, 'header', problem);
  }
  if (record.origin !== undefined) {
    const { id: originId, seq } = record.origin;
    const problem = idProblem(originId) ?? (Number.isSafeInteger(seq) && seq >= 1 ? undefined : 'seq');
    if (problem !== undefined) {
      throw new InvalidRecordError(
        subject,
        'origin',
        `origin ${shownAny(originId)}/${String(seq)} cannot be carried (an id without line breaks or surrounding whitespace, a seq >= 1)`,
      );
    }
  }
}

/**
 * What a record weighs against a log's size limit: its payload and headers as
 * NATS carries them (user headers, key, msg id and eddy's own), give or take a
 * few bytes. The memory log limits this; JetStream measures its exact header block.
 */
export function recordBytes(record: RecordOutline): number {
  let bytes = record.payloadBytes + 96 + utf8Length(record.key) + utf8Length(record.msgId);
  for (const [name, value] of Object.entries(record.headers ?? {}))
    bytes += name.length + utf8Length(value) + 4;
  if (record.origin) bytes += record.origin.id.length + 48;
  return bytes;
}

function idProblem(id: unknown): string | undefined {
  if (typeof id !== 'string' || id === '') return 'must be a non-empty string';
  if (!VERBATIM.test(id)) return 'must have no line breaks or surrounding whitespace';
  if (id.length > MAX_ID_LENGTH) return `is ${id.length} characters, over ${MAX_ID_LENGTH}`;
  if (id.includes('\u0000') || hasLoneSurrogate(id)) return 'must have no NUL or lone surrogate';
  return undefined;
}

function headerProblem(name: string, value: unknown): string | undefined {
  if (RESERVED_HEADER.test(name)) {
    return `header ${shown(name)} is reserved (Eddy-* and Nats-* belong to eddy and JetStream); rename it`;
  }
  if (!HEADER_NAME.test(name)) {
    return `header name ${shown(name)} is not valid for NATS (printable ASCII without ':' or spaces); rename it`;
  }
  if (typeof value !== 'string') return `header ${shown(name)} has a ${typeof value} value, not a string`;
  if (!VERBATIM.test(value) || value.includes('\u0000') || hasLoneSurrogate(value)) {
    return `header ${shown(name)} value ${shown(value)} cannot be carried verbatim (line breaks, surrounding whitespace, NUL or a lone surrogate); encode it`;
  }
  return undefined;
}

function shownAny(value: unknown): string {
  return typeof value === 'string' ? shown(value) : String(value);
}

function utf8Length(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}
