import type { AppendRecord } from '../log/log.ts';
import { type DeadLetterPhase, deadLetterDrafts, fittingDeadLetter } from './dead-letter.ts';
import type { Task } from './key-slot.ts';
import type { Unit } from './unit.ts';
import { checkOutputDraft, type OutputCheck, type OutputRefused } from './unit-check.ts';

export interface DeadLetterTask {
  readonly stage: string;
  readonly actor: string;
  /** The dead-letter subject. */
  readonly subject: string;
  readonly msgIdBase: string;
  /** The key the task ran under (the stand-in for a record without a valid key). */
  readonly slotKey: string;
  readonly task: Task;
  readonly phase: DeadLetterPhase;
  readonly error: unknown;
  /** The output the log refused (phase `output`). */
  readonly refused?: OutputRefused;
  /** The timers the task's failure spends (a failed firing's own timer). */
  readonly timersDeleted: Unit['timersDeleted'];
  readonly origin: AppendRecord['origin'];
  readonly checkOutput: OutputCheck | undefined;
}

/**
 * The unit of a task that failed on its record: no events, no state change,
 * only its dead letter (the full one if the log takes it, else the minimal
 * one). The input counts as applied, so the key moves on instead of retrying
 * it forever; a failed firing's timer is spent for the same reason.
 */
export function deadLetterUnit(d: DeadLetterTask): Unit {
  const { task } = d;
  const { full, minimal } = deadLetterDrafts({
    stage: d.stage,
    actor: d.actor,
    subject: d.subject,
    msgId: `${d.msgIdBase}:dead`,
    key: task.kind === 'input' ? task.delivery.envelope.key : d.slotKey,
    phase: d.phase,
    error: d.error,
    source: task.kind === 'input' ? task.delivery.envelope : undefined,
    ...(d.refused
      ? {
          output: {
            subject: d.refused.draft.subject,
            key: d.refused.draft.key,
            msgId: d.refused.draft.msgId,
            payload: d.refused.payload,
          },
        }
      : {}),
    ...(task.kind === 'timer' ? { timer: { name: task.name, kind: task.timerKind, at: task.at } } : {}),
  });
  const draft = fittingDeadLetter(full, minimal, d.stage, (o) =>
    checkOutputDraft(o, 0, d.origin, d.checkOutput),
  );
  return {
    key: d.slotKey,
    inputSeq: task.kind === 'input' ? task.delivery.envelope.seq : undefined,
    events: [],
    snapshots: [],
    outputs: [draft],
    timersSet: [],
    timersDeleted: d.timersDeleted,
    timerSerial: undefined,
    deliveries: task.kind === 'input' ? [task.delivery] : [],
  };
}
