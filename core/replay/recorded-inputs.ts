import type { Envelope } from '../envelope.ts';
import { UpstreamMarks } from '../exactly-once/upstream-marks.ts';
import { readControl } from '../exactly-once/watermark-control.ts';
import type { Log } from '../log/log.ts';
import type { Program } from '../runtime/program.ts';
import { readEventTime } from '../runtime/read-event-time.ts';

/** An input record of a stage as it arrived: its event time, and the partition's event clock then. */
export interface RecordedInput {
  readonly envelope: Envelope<Uint8Array>;
  readonly eventTime: number;
  /** The partition's event clock once it arrived (what decides lateness), as the live run computed it. */
  readonly clock: number;
}

/**
 * Reads a stage's input partitions from the start, in log order, and gives
 * the data records of each key with the event clock the live run saw at
 * them: the highest event time so far, or (after a keyBy, or reading
 * upstream watermarks) the minimum the upstream partitions' control records
 * announced. Both are functions of the log alone, so a replay judges
 * lateness as the run did.
 */
export async function readInputs(
  log: Log,
  subject: string,
  program: Program,
  partitions: Iterable<number>,
): Promise<Map<string, RecordedInput[]>> {
  const byKey = new Map<string, RecordedInput[]>();
  for (const p of partitions) {
    const marks = program.clock === 'upstream' ? new UpstreamMarks(0) : undefined;
    let clock = 0;
    for await (const envelope of log.read(subject, p, 1)) {
      if (envelope.control !== undefined) {
        const update = marks ? readControl(envelope) : undefined;
        if (update && marks?.fresh(update)) clock = Math.max(clock, marks.apply(update));
        continue;
      }
      const read = readEventTime(program, envelope, clock);
      if (!marks) clock = Math.max(clock, read.eventTime);
      if (envelope.keyProblem !== undefined) continue;
      const list = byKey.get(envelope.key) ?? [];
      list.push({ envelope, eventTime: program.eventTime ? read.eventTime : envelope.eventTime, clock });
      byKey.set(envelope.key, list);
    }
  }
  return byKey;
}
