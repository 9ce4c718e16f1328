import type { Log } from 'eddy';
import { z } from 'zod';

/**
 * The feed's clock: "nothing older than `at` is coming on this partition".
 * A bounded feed (an hour of data replayed) ends with one per partition, so
 * the last windows close, as Flink's bounded sources end with a final
 * watermark; a live feed needs none. The pipeline drops it right after its
 * source: only its event time counts.
 */
export const Heartbeat = z.object({ heartbeat: z.literal(true), at: z.number().int().positive() });
export type Heartbeat = z.infer<typeof Heartbeat>;

export const isHeartbeat = (r: object): r is Heartbeat => 'heartbeat' in r;

const encoder = new TextEncoder();

/** Ends a bounded feed: a heartbeat at `at` on every partition of `subject`. */
export async function appendHeartbeats(log: Log, subject: string, at: number): Promise<void> {
  const partitions = await log.partitions(subject);
  for (let p = 0; p < partitions; p++) {
    await log.append(subject, {
      key: `~heartbeat-${p}`,
      partition: p,
      msgId: `heartbeat-${p}-${at}`,
      eventTime: at,
      payload: encoder.encode(JSON.stringify({ heartbeat: true, at })),
    });
  }
}
