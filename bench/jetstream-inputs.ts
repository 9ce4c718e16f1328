import type { Log } from 'eddy';

const encoder = new TextEncoder();
const WINDOW = 1_000;

/** Wall-clock milliseconds with sub-millisecond precision, comparable across threads. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/** The bench's input record for serial `n` published at `t`. */
export function inputPayload(n: number, t: number): Uint8Array {
  return encoder.encode(`{"n":${n},"t":${t}}`);
}

/**
 * Appends `events` inputs over `keys` keys (1000 in flight) and returns the
 * highest sequence per partition, so a run knows when it has consumed them all.
 */
export async function publishInputs(
  log: Log,
  subject: string,
  options: {
    readonly events: number;
    readonly keys: number;
    /** Input `i`'s key; default `k${i % keys}`. */
    readonly keyOf?: (i: number) => string;
    /** Numbers the inputs from here (a second batch to the same subject). */
    readonly from?: number;
  },
): Promise<Map<number, number>> {
  const keyOf = options.keyOf ?? ((i: number) => `k${i % options.keys}`);
  const first = options.from ?? 0;
  const last = new Map<number, number>();
  let pending: Promise<unknown>[] = [];
  for (let i = first; i < first + options.events; i++) {
    pending.push(
      log
        .append(subject, {
          key: keyOf(i),
          payload: inputPayload(i, 0),
          msgId: `${subject}:${i}`,
        })
        .then((ack) => last.set(ack.partition, Math.max(last.get(ack.partition) ?? 0, ack.seq))),
    );
    if (pending.length >= WINDOW) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  return last;
}

/** How many inputs each partition received, from the highest sequences of a `publishInputs`. */
export function countPerPartition(
  events: number,
  keys: number,
  partitionOfKey: (key: string) => number,
): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < events; i++) {
    const p = partitionOfKey(`k${i % keys}`);
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return counts;
}
