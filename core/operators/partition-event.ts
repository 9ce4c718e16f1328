import type { OutboxRow } from '../store/store.ts';

/** A record that reached the end of a pipeline part's steps, once the commit that covers it is done. */
export interface PartResult {
  readonly value: unknown;
  readonly key: string;
  /** The input partition it came from. */
  readonly partition: number;
  /** The input seq it came from; undefined for a timer firing's records. */
  readonly seq: number | undefined;
}

/**
 * What a running partition sends down its stream, in order: rows a commit
 * wrote (to publish), rows the log acknowledged, records that reached the end
 * of the steps, and each commit's watermark.
 */
export type PartitionEvent =
  | { readonly kind: 'row'; readonly row: OutboxRow }
  | { readonly kind: 'published'; readonly row: OutboxRow }
  | { readonly kind: 'result'; readonly result: PartResult }
  | {
      readonly kind: 'committed';
      readonly partition: number;
      readonly watermark: number;
      /** The partition's event clock as committed (ms since the epoch). */
      readonly eventTimeWatermark: number;
      /** Keys in memory now, and keys passivated since the partition started here. */
      readonly keys: { readonly active: number; readonly passivated: number };
    };
