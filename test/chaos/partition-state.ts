import type { PgStore } from '../../connectors/postgres/pg-store.ts';
import type { PublishedEvent } from './publisher.ts';

/** Where a partition ended: who held it, how far it committed, what its input holds. */
export interface PartitionState {
  readonly partition: number;
  readonly owner: string;
  readonly epoch: number;
  readonly watermark: number;
  /** Seq of the last event published to the partition: the watermark's goal. */
  readonly lastInputSeq: number;
  /** Outbox rows left unpublished. */
  readonly outbox: number;
}

/**
 * The stage's partitions as the database has them, to tell a stalled
 * partition (watermark short of its last input) from lost outputs. Reads the
 * store's tables directly: the Store interface has no read-only view of them.
 *
 * @example
 * const rows = await partitionState(store, 'chaos-sum', events);
 */
export async function partitionState(
  store: PgStore,
  stage: string,
  events: readonly PublishedEvent[],
): Promise<PartitionState[]> {
  const last = new Map<number, number>();
  for (const ev of events) last.set(ev.partition, Math.max(last.get(ev.partition) ?? 0, ev.seq));
  const { rows } = await store.pool.query<{
    partition: number;
    owner: string;
    epoch: string;
    watermark: string;
  }>('SELECT partition, owner, epoch, watermark FROM eddy_partitions WHERE stage = $1 ORDER BY partition', [
    stage,
  ]);
  const outbox = new Map<number, number>();
  for (const row of rows) outbox.set(row.partition, (await store.outbox(stage, row.partition)).length);
  return rows.map((row) => ({
    partition: row.partition,
    owner: row.owner,
    epoch: Number(row.epoch),
    watermark: Number(row.watermark),
    lastInputSeq: last.get(row.partition) ?? 0,
    outbox: outbox.get(row.partition) ?? 0,
  }));
}
