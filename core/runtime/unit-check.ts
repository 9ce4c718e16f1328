import { RecordRefusedError } from '../errors/record-refused-error.ts';
import type { AppendRecord, RecordOutline } from '../log/log.ts';
import { checkHeaders, checkJson, checkName, checkText, checkTime } from '../store/storable.ts';
import type { JournalEvent } from '../store/store.ts';
import type { TimerOp } from './step-context.ts';
import type { OutputDraft } from './unit.ts';

const encoder = new TextEncoder();

/** Asks the output log whether it takes a record (`Log.check`); throws its `RecordRefusedError` if not. */
export type OutputCheck = (subject: string, record: RecordOutline) => void;

/** An output the log refused, with the payload it was asked about. */
export class OutputRefused extends Error {
  override readonly name = 'OutputRefused';
  readonly draft: OutputDraft;
  readonly refusal: RecordRefusedError;
  readonly #json: string;

  constructor(draft: OutputDraft, json: string, refusal: RecordRefusedError) {
    super(refusal.message);
    this.draft = draft;
    this.#json = json;
    this.refusal = refusal;
  }

  /** The payload as it would have been published. */
  get payload(): Uint8Array {
    return encoder.encode(this.#json);
  }
}

/** What one task's commit would write, before the runtime applies it. */
export interface UnitDraft {
  readonly events: readonly JournalEvent[];
  readonly outputs: readonly OutputDraft[];
  readonly timers: readonly TimerOp[];
}

/**
 * Checks what a task would write before it joins a commit: its events and
 * timers hold only what every store keeps (throws `UnstorableValueError`), and
 * the log takes each of its outputs (throws `OutputRefused`). A task that fails
 * becomes its record's dead letter; unchecked, it would fail its whole batch,
 * and the partition would retry that batch forever.
 *
 * `origin` stands for the origin an output gets at its commit, so that the
 * size checked includes its headers.
 */
export function checkUnit(
  draft: UnitDraft,
  origin: AppendRecord['origin'],
  checkOutput: OutputCheck | undefined,
): void {
  for (const [i, e] of draft.events.entries()) {
    checkText(e.type, `event ${i} type`);
    checkJson(e.data, `event ${i} (${e.type}) data`);
  }
  for (const op of draft.timers) {
    const label = `timer ${JSON.stringify(String(op.name).slice(0, 40))}`;
    checkName(op.name, `${label} name`);
    if (op.entry) checkTime(op.entry.at, `${label} time`);
  }
  for (const [i, o] of draft.outputs.entries()) checkOutputDraft(o, i, origin, checkOutput);
}

/**
 * Checks one output as the store and the log will see it (its payload is
 * measured, not encoded). Throws `OutputRefused` when the log refuses it.
 */
export function checkOutputDraft(
  o: OutputDraft,
  index: number,
  origin: AppendRecord['origin'],
  checkOutput: OutputCheck | undefined,
): void {
  checkJson(o.payload, `output ${index} payload`);
  checkHeaders(o.headers, `output ${index} headers`);
  if (checkOutput === undefined) return;
  const json = JSON.stringify(o.payload);
  try {
    checkOutput(o.subject, {
      key: o.key,
      payloadBytes: Buffer.byteLength(json),
      msgId: o.msgId,
      headers: o.headers,
      eventTime: o.eventTime,
      ...(origin ? { origin } : {}),
    });
  } catch (error) {
    if (error instanceof RecordRefusedError) throw new OutputRefused(o, json, error);
    throw error;
  }
}
