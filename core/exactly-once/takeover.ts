import type { OutboxRow, PartitionClaim, Store, TimerRow } from '../store/store.ts';

/** What a new owner of a partition starts from, besides its claim. */
export interface Takeover {
  /** Rows an earlier owner committed but did not publish (or did not delete): published first. */
  readonly leftover: readonly OutboxRow[];
  /** The partition's timers, as committed. */
  readonly timers: readonly TimerRow[];
  /** First outbox position to use: above every leftover row, so publish order stays commit order. */
  readonly firstPosition: number;
}

/**
 * Step 5 of the protocol, on the store's side: a new owner (a restart, a
 * takeover, a lease moved) republishes what was committed and not published,
 * and carries on the partition's timers. Its input is then re-read from the
 * claim's watermark + 1, skipping per key what was applied.
 *
 * @example
 * const { leftover, timers, firstPosition } = await takeOver(store, claim);
 */
export async function takeOver(store: Store, claim: PartitionClaim): Promise<Takeover> {
  const [timers, leftover] = await Promise.all([
    store.timers(claim.stage, claim.partition),
    store.outbox(claim.stage, claim.partition),
  ]);
  const firstPosition = leftover.reduce((max, row) => Math.max(max, row.position), 0) + 1;
  return { leftover, timers, firstPosition };
}
