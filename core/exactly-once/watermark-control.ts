import { z } from 'zod';
import type { Envelope } from '../envelope.ts';
import { partitionOf } from '../log/partition-of.ts';
import type { OutputDraft } from '../runtime/unit.ts';

/**
 * Marks a watermark control record's outbox row: a record a partition sends
 * to every partition of the subjects downstream of it, saying how far its
 * event time got (or that it went idle). A reserved header, so no output of
 * a user's step can carry it; published as the record's `control`
 * (`Envelope.control`), never as a header.
 */
export const CONTROL_ROW_HEADER = 'eddy-control';
const CONTROL_VALUE = 'watermark';

/** What a partition tells its downstream: its event clock, or that it has no input (idle). */
export type Announcement =
  | { readonly kind: 'watermark'; readonly value: number }
  | { readonly kind: 'idle'; readonly value: number };

/** A control record as a receiver reads it: who sent it, and what. */
export interface ControlUpdate {
  /** The sender's origin id (`<part>/<partition>`) and its origin seq to this partition. */
  readonly origin: string;
  readonly seq: number;
  /** The sender's part and how many partitions it has: all of them count towards the minimum. */
  readonly sender: string;
  readonly partitions: number;
  readonly announcement: Announcement;
}

const Payload = z.object({
  watermark: z.number().int(),
  idle: z.boolean(),
  partitions: z.number().int().positive(),
});

export interface AnnounceTarget {
  /** The sending part and partition. */
  readonly stage: string;
  readonly partition: number;
  /** How many partitions the sending part has (its input's). */
  readonly partitions: number;
  readonly subjects: readonly string[];
  readonly partitionsOf: (subject: string) => number | undefined;
}

/**
 * One control record per partition of every subject: keys chosen to hash to
 * each partition, msg ids from the sender and the value, so a re-run of the
 * commit that carries them publishes the same records.
 */
export function controlDrafts(target: AnnounceTarget, announcement: Announcement): OutputDraft[] {
  const drafts: OutputDraft[] = [];
  const payload = {
    watermark: announcement.value,
    idle: announcement.kind === 'idle',
    partitions: target.partitions,
  };
  for (const subject of target.subjects) {
    const keys = controlKeys(target.partitionsOf(subject) ?? 1);
    keys.forEach((key, p) => {
      drafts.push({
        // Replaced by one from its origin seq when the commit numbers it (see CommitBuffer).
        msgId: `${target.stage}:${target.partition}:${announcement.kind}:${announcement.value}:${subject}:${p}`,
        subject,
        key,
        payload,
        headers: { [CONTROL_ROW_HEADER]: CONTROL_VALUE },
        eventTime: announcement.value,
      });
    });
  }
  return drafts;
}

/** Whether a record is a watermark control record (whatever it says). */
export function isControl(env: Envelope<Uint8Array>): boolean {
  return env.control === CONTROL_VALUE;
}

const decoder = new TextDecoder();

/**
 * What a control record says; undefined when it cannot be taken in (no
 * origin, or a payload that is not one): it is then skipped like a data
 * record a receiver dropped, and moves nothing.
 */
export function readControl(env: Envelope<Uint8Array>): ControlUpdate | undefined {
  const origin = env.origin;
  const slash = origin?.id.lastIndexOf('/') ?? -1;
  if (!origin || slash <= 0) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(env.payload));
  } catch {
    return undefined;
  }
  const parsed = Payload.safeParse(json);
  if (!parsed.success) return undefined;
  const { watermark, idle, partitions } = parsed.data;
  return {
    origin: origin.id,
    seq: origin.seq,
    sender: origin.id.slice(0, slash),
    partitions,
    announcement: { kind: idle ? 'idle' : 'watermark', value: watermark },
  };
}

const keysByCount = new Map<number, readonly string[]>();

/** A key per partition of `count` that hashes to it (found once per count). */
export function controlKeys(count: number): readonly string[] {
  const cached = keysByCount.get(count);
  if (cached) return cached;
  const keys: string[] = new Array(count);
  let found = 0;
  for (let i = 0; found < count; i++) {
    const key = `~watermark-${i}`;
    const p = partitionOf(key, count);
    if (keys[p] === undefined) {
      keys[p] = key;
      found++;
    }
  }
  keysByCount.set(count, keys);
  return keys;
}
