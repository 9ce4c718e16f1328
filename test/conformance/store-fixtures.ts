import type {
  CommitBatch,
  JournalEvent,
  Json,
  OutboxRow,
  PartitionClaim,
  Snapshot,
  Store,
  TimerRow,
} from '../../core/store/store.ts';

/** A commit of nothing for the claim's partition; spread the parts a test needs over it. */
export function emptyBatch(claim: Pick<PartitionClaim, 'stage' | 'partition' | 'epoch'>): CommitBatch {
  return {
    stage: claim.stage,
    partition: claim.partition,
    epoch: claim.epoch,
    events: [],
    snapshots: [],
    keepSnapshots: 1,
    outbox: [],
    progress: [],
    timersSet: [],
    timersDeleted: [],
  };
}

export function event(actor: string, key: string, version: number, data: Json = { version }): JournalEvent {
  return {
    actor,
    key,
    version,
    type: version % 2 === 0 ? 'Even' : 'Odd',
    schemaVersion: 1,
    data,
    inputSeq: version * 10,
    eventTime: 1_700_000_000_000 + version,
  };
}

export function snapshot(
  actor: string,
  key: string,
  version: number,
  state: Json = { upTo: version },
): Snapshot {
  return { actor, key, version, state };
}

export function outboxRow(
  claim: Pick<PartitionClaim, 'stage' | 'partition'>,
  msgId: string,
  position: number,
  payload: Json = { msgId },
): OutboxRow {
  return {
    stage: claim.stage,
    partition: claim.partition,
    msgId,
    subject: `${claim.stage}.out`,
    key: `key-of-${msgId}`,
    payload,
    headers: { 'x-msg': msgId },
    eventTime: 1_700_000_000_000 + position,
    position,
    originSeq: Math.max(position, 0),
  };
}

export function timer(
  claim: Pick<PartitionClaim, 'stage' | 'partition'>,
  actor: string,
  key: string,
  name: string,
  at: number,
  kind: TimerRow['kind'] = 'event',
  serial = 1,
): TimerRow {
  return { actor, key, name, kind, at, stage: claim.stage, partition: claim.partition, serial };
}

/** Everything a store holds about some keys of one actor in one partition, to compare before and after. */
export async function observe(
  store: Store,
  actor: string,
  keys: readonly string[],
  stage: string,
  partition: number,
): Promise<unknown> {
  return {
    keys: await store.keys(actor),
    perKey: await Promise.all(
      keys.map(async (key) => ({
        journal: await store.journal(actor, key),
        snapshots: await store.snapshots(actor, key),
        load: await store.load(actor, key, stage, partition),
      })),
    ),
    outbox: await store.outbox(stage, partition),
    timers: await store.timers(stage, partition),
  };
}

/** What `claim` reports about a partition's watermarks, taking it over to find out. */
export async function watermarks(
  store: Store,
  stage: string,
  partition: number,
): Promise<{ watermark: number; eventTimeWatermark: number }> {
  const { watermark, eventTimeWatermark } = await store.claim(stage, partition, 'observer');
  return { watermark, eventTimeWatermark };
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
