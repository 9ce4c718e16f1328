import type { AppendRecord } from 'eddy';
import { MemoryLog } from 'eddy';

/** The last seq of each partition of a bench's input: the pipeline is done once its watermarks reach them. */
export type LastSeqs = ReadonlyMap<number, number>;

/**
 * A memory log with `count` records appended to `<name>.in` (4 partitions by default), 10k
 * appends in flight at a time. Loading is not part of what a bench times.
 */
export async function benchInput(
  name: string,
  count: number,
  record: (i: number) => Omit<AppendRecord, 'msgId'>,
  partitions = 4,
): Promise<{ log: MemoryLog; input: string; last: LastSeqs }> {
  const log = new MemoryLog();
  const input = `${name}.in`;
  await log.ensureTopic({ subject: input, partitions });
  const last = new Map<number, number>();
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    pending.push(
      log
        .append(input, { ...record(i), msgId: `${i}` })
        .then((ack) => last.set(ack.partition, Math.max(last.get(ack.partition) ?? 0, ack.seq))),
    );
    if (pending.length >= 10_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return { log, input, last };
}

/** Resolves once the pipeline's part 0 committed every input (`done`, when given, decides instead). */
export async function committedAll(
  running: { watermarks(): ReadonlyMap<number, number> },
  last: LastSeqs,
  done?: () => boolean,
): Promise<void> {
  const all = done ?? (() => [...last].every(([p, seq]) => (running.watermarks().get(p) ?? 0) >= seq));
  while (!all()) await new Promise((r) => setTimeout(r, 5));
}
