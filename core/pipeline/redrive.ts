import { createHash } from 'node:crypto';
import type { Envelope } from '../envelope.ts';
import { PartitionOutOfRangeError } from '../errors/partition-out-of-range-error.ts';
import { RecordRefusedError } from '../errors/record-refused-error.ts';
import { TopicNotFoundError } from '../errors/topic-not-found-error.ts';
import { RESERVED_HEADER } from '../log/append-rules.ts';
import type { AppendAck, Log } from '../log/log.ts';
import { deadLetterSchema, type ReadDeadLetter } from './dead-letter-schema.ts';

/** A record about to go back into a pipeline: what `fix` may change. */
export interface RedrivenRecord {
  readonly subject: string;
  readonly key: string;
  readonly payload: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  /** The original's event time: re-driven records land in the windows they belonged to. */
  readonly eventTime: number;
}

export interface RedriveOptions {
  /** The dead-letter subject to read (a pipeline's `<name>.dead-letter`, or its `deadLetter` setting). */
  readonly deadLetter: string;
  /** Which dead letters go back. Default: every one that names its input record. */
  readonly select?: (letter: ReadDeadLetter) => boolean;
  /**
   * Mends a record before it goes back (a corrected payload, a valid key, another
   * subject); undefined leaves it out. Default: the record as it was, to its subject.
   */
  readonly fix?: (record: RedrivenRecord, letter: ReadDeadLetter) => RedrivenRecord | undefined;
  /** Reads each partition of the dead-letter subject from this seq on (inclusive). Default 1. */
  readonly fromSeq?: number;
}

/** What a re-drive did, dead letter by dead letter. */
export interface RedriveReport {
  /** Records read from the dead-letter subject. */
  readonly read: number;
  /** Records appended to their input again. */
  readonly redriven: number;
  /** Records the log had taken already (an earlier re-drive of the same letters): not appended twice. */
  readonly duplicates: number;
  readonly skipped: readonly { readonly partition: number; readonly seq: number; readonly reason: string }[];
}

/** Names the header each re-driven record carries: where its dead letter is. */
export const REDRIVEN_FROM_HEADER = 'Redriven-From';

/**
 * Puts dead-lettered records back into their input once the cause is fixed
 * (new code deployed, or the payload mended by `fix`): reads the dead-letter
 * subject, takes each letter's input record back from the input log by its
 * partition and seq (or, when the log no longer holds it, from the bytes the
 * letter kept, for payloads up to 16 KiB), checks it against the letter's
 * SHA-256, and appends it again. The msg id is derived from the dead letter,
 * so running the same re-drive twice within the log's duplicate window
 * appends each record once. Letters of timers and refused outputs have no
 * input to re-drive and are reported as skipped.
 *
 * @example
 * ```ts
 * const report = await redriveDeadLetters(log, {
 *   deadLetter: 'totals.dead-letter',
 *   select: (letter) => letter.phase === 'decide',
 * });
 * console.log(report); // { read: 3, redriven: 2, duplicates: 0, skipped: [...] }
 * ```
 */
export async function redriveDeadLetters(log: Log, options: RedriveOptions): Promise<RedriveReport> {
  const skipped: { partition: number; seq: number; reason: string }[] = [];
  let read = 0;
  let redriven = 0;
  let duplicates = 0;
  const partitions = await log.partitions(options.deadLetter);
  for (let partition = 0; partition < partitions; partition++) {
    for await (const env of log.read(options.deadLetter, partition, options.fromSeq ?? 1)) {
      read++;
      const skip = (reason: string): void => {
        skipped.push({ partition, seq: env.seq, reason });
      };
      const letter = parseLetter(env.payload);
      if (typeof letter === 'string') {
        skip(letter);
        continue;
      }
      if (options.select && !options.select(letter)) continue;
      const original = await originalOf(log, letter);
      if (typeof original === 'string') {
        skip(original);
        continue;
      }
      const record = options.fix ? options.fix(original, letter) : original;
      if (record === undefined) {
        skip('left out by fix');
        continue;
      }
      if (!letter.keyValid && record.key === original.key) {
        skip(`its key was not valid (${letter.key}); give it one in fix`);
        continue;
      }
      let ack: AppendAck;
      try {
        ack = await log.append(record.subject, {
          key: record.key,
          payload: record.payload,
          // A letter that could not keep the time holds 0: the log's time then.
          ...(record.eventTime > 0 ? { eventTime: record.eventTime } : {}),
          msgId: `redrive/${options.deadLetter}/${partition}/${env.seq}`,
          headers: {
            ...userHeaders(record.headers),
            [REDRIVEN_FROM_HEADER]: `${options.deadLetter}/${partition}/${env.seq}`,
          },
        });
      } catch (error) {
        // One record the log refuses (a key or payload `fix` made) is skipped; the log's own trouble is not.
        if (!(error instanceof RecordRefusedError)) throw error;
        skip(`the log refuses it: ${error.message}`);
        continue;
      }
      if (ack.duplicate) duplicates++;
      else redriven++;
    }
  }
  return { read, redriven, duplicates, skipped };
}

function parseLetter(payload: Uint8Array): ReadDeadLetter | string {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return 'not a dead letter: not UTF-8 JSON';
  }
  const parsed = deadLetterSchema.safeParse(json);
  if (!parsed.success) return `not a dead letter: ${parsed.error.issues[0]?.message ?? 'bad shape'}`;
  return parsed.data;
}

/** The input record a letter names, from the input log or else from the bytes the letter kept. */
async function originalOf(log: Log, letter: ReadDeadLetter): Promise<RedrivenRecord | string> {
  const source = letter.source;
  if (!source) return `a ${letter.phase} dead letter names no input record (a timer or an output)`;
  const read = await readOne(log, source.subject, source.partition, source.seq);
  // The record at that seq is the letter's only if its bytes are (a recreated stream reuses seqs).
  const found = read && sha256(read.payload) === source.payloadSha256 ? read : undefined;
  const payload = found ? found.payload : Buffer.from(source.payloadPrefixBase64, 'base64');
  if (payload.length !== source.payloadBytes || sha256(payload) !== source.payloadSha256) {
    return `record ${source.seq} of ${source.subject}/${source.partition} is no longer in the log, and the dead letter kept only ${payload.length} of its ${source.payloadBytes} bytes`;
  }
  return {
    subject: source.subject,
    key: found?.key ?? letter.key,
    payload: new Uint8Array(payload),
    headers: found?.headers ?? source.headers,
    eventTime: source.eventTime,
  };
}

async function readOne(
  log: Log,
  subject: string,
  partition: number,
  seq: number,
): Promise<Envelope<Uint8Array> | undefined> {
  try {
    for await (const env of log.read(subject, partition, seq)) return env.seq === seq ? env : undefined;
  } catch (error) {
    // The topic or partition is gone: fall back on what the letter kept. Anything else is the log's trouble.
    if (!(error instanceof TopicNotFoundError || error instanceof PartitionOutOfRangeError)) throw error;
  }
  return undefined;
}

function userHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !RESERVED_HEADER.test(name) && name !== REDRIVEN_FROM_HEADER),
  );
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
