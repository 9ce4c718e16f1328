import { createHash } from 'node:crypto';
import type { Envelope } from '../envelope.ts';
import { keyProblem } from '../log/record-key.ts';
import type { Json } from '../store/store.ts';
import { storableText } from '../text.ts';
import type { OutputDraft } from './unit.ts';

/**
 * Where a record failed. Each is a failure of that one record, so it ends as a
 * dead letter and the partition goes on:
 * - `decode`: not the input the stage expects (not UTF-8 JSON, schema);
 * - `key`: no valid key (see `keyProblem`);
 * - `step`: a per-record step of a pipeline (an RxJS operator chain) failed;
 * - `decide`, `evolve`, `onTimer`: the actor threw;
 * - `store`: the actor made a value no store keeps (NUL, a lone surrogate,
 *   Infinity, a `Date`, nesting deeper than 1 000, a timer name over 512 bytes);
 * - `output`: an output the log would refuse (key, headers, size over its limit);
 * - `publish`: the log refused a committed output after all (its limit shrank).
 */
export type DeadLetterPhase =
  | 'decode'
  | 'key'
  | 'step'
  | 'decide'
  | 'evolve'
  | 'onTimer'
  | 'store'
  | 'output'
  | 'publish';

/**
 * The JSON payload of a dead-letter record: why, and enough of the record to
 * find, inspect and replay it. Text from outside is made storable (NUL and
 * lone surrogates escaped) and every part is bounded, so a dead letter always
 * fits the log and the store whatever the record was.
 */
export interface DeadLetter {
  readonly stage: string;
  readonly actor: string;
  readonly phase: DeadLetterPhase;
  /** The error, at most `MAX_REASON_CHARS` characters. */
  readonly reason: string;
  /** The record's key; when `keyValid` is false, a printable rendering of what it was. */
  readonly key: string;
  readonly keyValid: boolean;
  /** The input record; null for a timer firing or an output refused after its commit. */
  readonly source: RecordSummary | null;
  /** The output the log refused (phases `output` and `publish`). */
  readonly output?: OutputSummary;
  /** The timer whose handler failed (phase `onTimer`). */
  readonly timer?: { readonly name: string; readonly kind: 'event' | 'processing'; readonly at: number };
}

export interface RecordSummary {
  readonly subject: string;
  readonly partition: number;
  readonly seq: number;
  readonly id: string;
  readonly eventTime: number;
  /** At most `MAX_HEADERS` of them, values cut to `MAX_HEADER_CHARS`. */
  readonly headers: Readonly<Record<string, string>>;
  /** The whole payload's size and SHA-256 (hex), and its first `PAYLOAD_PREFIX_BYTES` bytes. */
  readonly payloadBytes: number;
  readonly payloadSha256: string;
  readonly payloadPrefixBase64: string;
}

export interface OutputSummary {
  readonly subject: string;
  readonly key: string;
  readonly msgId: string;
  readonly payloadBytes: number;
  readonly payloadPrefixBase64: string;
}

export const MAX_REASON_CHARS = 4_000;
export const PAYLOAD_PREFIX_BYTES = 16_384;
const MAX_HEADERS = 64;
const MAX_HEADER_CHARS = 1_024;
/** What a minimal dead letter (one the log refused in full) keeps of its reason. */
const MINIMAL_REASON_CHARS = 500;

/**
 * The key a dead letter goes under when the record's own key is not valid:
 * such records of a partition share it (and run in log order under it).
 */
export const INVALID_KEY = 'eddy.invalid-key';

export interface DeadLetterInput {
  readonly stage: string;
  readonly actor: string;
  /** The dead-letter subject. */
  readonly subject: string;
  readonly msgId: string;
  /** The record's key, valid or not. */
  readonly key: string;
  readonly phase: DeadLetterPhase;
  readonly error: unknown;
  readonly source: Envelope<Uint8Array> | undefined;
  readonly output?: {
    readonly subject: string;
    readonly key: string;
    readonly msgId: string;
    readonly payload: Uint8Array;
  };
  readonly timer?: DeadLetter['timer'];
}

/**
 * The dead-letter output for a failed record, in full and in a minimal form
 * (no payload prefix, no headers, a short reason) for a log whose size limit
 * refuses the full one.
 */
export function deadLetterDrafts(input: DeadLetterInput): { full: OutputDraft; minimal: OutputDraft } {
  // A key the log could not read exactly (`Envelope.keyProblem`) may look valid: it is not.
  const keyValid = input.phase !== 'key' && keyProblem(input.key) === undefined;
  const reason = reasonOf(input.error);
  const letter: DeadLetter = {
    stage: input.stage,
    actor: input.actor,
    phase: input.phase,
    reason: storableText(reason, MAX_REASON_CHARS),
    key: keyValid ? input.key : storableText(JSON.stringify(input.key ?? null), 1_024),
    keyValid,
    source: input.source ? summary(input.source) : null,
    ...(input.output
      ? {
          output: {
            subject: input.output.subject,
            key: storableText(input.output.key, 1_024),
            msgId: storableText(input.output.msgId, 1_024),
            payloadBytes: input.output.payload.length,
            payloadPrefixBase64: prefixOf(input.output.payload),
          },
        }
      : {}),
    ...(input.timer ? { timer: input.timer } : {}),
  };
  const minimal: DeadLetter = {
    ...letter,
    reason: storableText(reason, MINIMAL_REASON_CHARS),
    source: letter.source && { ...letter.source, headers: {}, payloadPrefixBase64: '' },
    ...(letter.output ? { output: { ...letter.output, payloadPrefixBase64: '' } } : {}),
  };
  const draft = (payload: DeadLetter): OutputDraft => ({
    msgId: input.msgId,
    subject: input.subject,
    key: keyValid ? input.key : INVALID_KEY,
    payload: payload as unknown as Json,
    headers: { 'Dead-Letter-Phase': input.phase },
    eventTime: input.source?.eventTime ?? input.timer?.at ?? 0,
  });
  return { full: draft(letter), minimal: draft(minimal) };
}

/**
 * The full dead letter if `check` (the log's verdict) lets it through, else the
 * minimal one; if neither, the dead-letter log is misconfigured and the
 * partition cannot go on, which is said plainly.
 */
export function fittingDeadLetter(
  full: OutputDraft,
  minimal: OutputDraft,
  stage: string,
  check: (draft: OutputDraft) => void,
): OutputDraft {
  try {
    check(full);
    return full;
  } catch {
    try {
      check(minimal);
      return minimal;
    } catch (error) {
      throw new Error(
        `stage "${stage}": the dead-letter subject "${minimal.subject}" refuses even a minimal dead letter (${reasonOf(error)}); raise its log's size limit`,
      );
    }
  }
}

export function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function summary(env: Envelope<Uint8Array>): RecordSummary {
  const headers: Record<string, string> = {};
  let n = 0;
  for (const [name, value] of Object.entries(env.headers)) {
    if (n++ >= MAX_HEADERS) break;
    headers[storableText(name, 128)] = storableText(value, MAX_HEADER_CHARS);
  }
  return {
    subject: env.subject,
    partition: env.partition,
    seq: env.seq,
    id: storableText(env.id, 1_024),
    eventTime: Number.isSafeInteger(env.eventTime) ? env.eventTime : 0,
    headers,
    payloadBytes: env.payload.length,
    payloadSha256: createHash('sha256').update(env.payload).digest('hex'),
    payloadPrefixBase64: prefixOf(env.payload),
  };
}

function prefixOf(payload: Uint8Array): string {
  return Buffer.from(
    payload.buffer,
    payload.byteOffset,
    Math.min(payload.length, PAYLOAD_PREFIX_BYTES),
  ).toString('base64');
}
