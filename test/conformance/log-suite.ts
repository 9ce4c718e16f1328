import type { Envelope } from '../../core/envelope.ts';
import type { AppendAck, AppendRecord, Log } from '../../core/log/log.ts';

/** A log under test, opened fresh for every test. */
export interface OpenedLog {
  readonly log: Log;
  /** Closes the log and anything opened with it. Must tolerate a log that was already closed. */
  close(): Promise<void>;
  /**
   * Moves the log's clock (dedup window, default event times) forward without
   * sleeping. Absent for a log on real time (JetStream): the suite then sleeps
   * through `duplicateWindowMs`.
   */
  advanceClock?(ms: number): void;
  /** The log's clock in ms since the epoch, to bound default event times. Default `Date.now`. */
  now?(): number;
}

export interface LogConformanceOptions {
  /** Dedup window of the window-expiry test; keep it short (1–2 s) for a log on real time. Default 1 500. */
  readonly duplicateWindowMs?: number;
  /** Ack wait of the redelivery tests. Default 200. */
  readonly ackWaitMs?: number;
  /** fast-check runs of the dedup and ordering property. Default 25. */
  readonly propertyRuns?: number;
  /** Per-test timeout. Default 30 000. */
  readonly testTimeoutMs?: number;
}

/** What the sections of the conformance suite share: the current test's log and helpers over it. */
export interface LogSuite {
  /** The log of the running test. */
  readonly log: Log;
  readonly opened: OpenedLog;
  /** Unique per suite run, so topics left on a server by earlier runs never collide. */
  readonly run: string;
  readonly windowMs: number;
  readonly ackWaitMs: number;
  readonly propertyRuns: number;
  readonly timeout: number;
  /** A subject no earlier test or run used. */
  topic(label: string): string;
  /** Appends one at a time, so seqs follow call order. */
  appendAll(subject: string, records: readonly AppendRecord[]): Promise<AppendAck[]>;
  readAll(subject: string, partition: number, fromSeq?: number): Promise<Envelope<Uint8Array>[]>;
  /**
   * `count` records on `partition` (payloads r0, r1, ...), each followed by one on
   * `other`, so a stream-wide numbering leaves gaps in the partition's sequences.
   */
  seedPartition(subject: string, partition: number, other: number, count: number): Promise<AppendAck[]>;
}

/** How long "nothing more arrives" is watched for. */
export const QUIET_MS = 300;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (payload: Uint8Array): string => decoder.decode(payload);

/** The suite's shared state; `current()` is the log of the running test. */
export function logSuite(current: () => OpenedLog, options: LogConformanceOptions): LogSuite {
  const run = `conf-${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  let topics = 0;
  const log = (): Log => current().log;
  return {
    get log() {
      return log();
    },
    get opened() {
      return current();
    },
    run,
    windowMs: options.duplicateWindowMs ?? 1_500,
    ackWaitMs: options.ackWaitMs ?? 200,
    propertyRuns: options.propertyRuns ?? 25,
    timeout: options.testTimeoutMs ?? 30_000,
    topic: (label) => `${run}.${label}-${++topics}`,
    async appendAll(subject, records) {
      const acks: AppendAck[] = [];
      for (const record of records) acks.push(await log().append(subject, record));
      return acks;
    },
    async readAll(subject, partition, fromSeq = 1) {
      const out: Envelope<Uint8Array>[] = [];
      for await (const envelope of log().read(subject, partition, fromSeq)) out.push(envelope);
      return out;
    },
    async seedPartition(subject, partition, other, count) {
      const acks: AppendAck[] = [];
      for (let i = 0; i < count; i++) {
        const payload = bytes(`r${i}`);
        acks.push(
          await log().append(subject, { key: `k${i}`, payload, msgId: `${subject}-r${i}`, partition }),
        );
        const filler = { key: `o${i}`, payload: bytes(`o${i}`), msgId: `${subject}-o${i}`, partition: other };
        await log().append(subject, filler);
      }
      return acks;
    },
  };
}
