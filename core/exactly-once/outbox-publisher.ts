import { RecordRefusedError } from '../errors/record-refused-error.ts';
import type { AppendRecord, Log } from '../log/log.ts';
import { deadLetterDrafts } from '../runtime/dead-letter.ts';
import type { OutboxRow } from '../store/store.ts';
import { CONTROL_ROW_HEADER } from './watermark-control.ts';

const encoder = new TextEncoder();

/** Where a row goes that the log refuses: the dead-letter subject, and the actor that wrote it. */
export interface PublishFallback {
  readonly subject: string;
  readonly actor: string;
}

/**
 * Step 4 of the protocol for one row: publishes a committed outbox row with
 * its deterministic msg id (and origin), so a republish after a crash is
 * deduplicated. A row the log refuses for good (`RecordRefusedError`) goes to
 * the dead letters in its place when `deadLetter` says where; resolves what
 * was published.
 *
 * @example
 * const published = await publishRow(log, row, { subject: 'totals.dead-letter', actor: 'totals' });
 */
export async function publishRow(
  log: Log,
  row: OutboxRow,
  deadLetter: PublishFallback | undefined,
): Promise<OutboxRow> {
  const record = appendRecord(row);
  try {
    await log.append(row.subject, record);
    return row;
  } catch (error) {
    if (!(error instanceof RecordRefusedError) || deadLetter === undefined) throw error;
    const { full, minimal } = deadLetterDrafts({
      stage: row.stage,
      actor: deadLetter.actor,
      subject: deadLetter.subject,
      msgId: `${row.msgId}:dead`,
      key: row.key,
      phase: 'publish',
      error,
      source: undefined,
      output: { subject: row.subject, key: row.key, msgId: row.msgId, payload: record.payload },
    });
    for (const draft of [full, minimal]) {
      const letter = { ...row, ...draft, originSeq: 0 };
      try {
        await log.append(letter.subject, appendRecord(letter));
        return letter;
      } catch (refused) {
        if (!(refused instanceof RecordRefusedError) || draft === minimal) throw refused;
      }
    }
    throw error;
  }
}

/** The record a row is published as. */
export function appendRecord(row: OutboxRow): AppendRecord {
  const base = {
    key: row.key,
    payload: encoder.encode(JSON.stringify(row.payload)),
    msgId: row.msgId,
    headers: row.headers,
    eventTime: row.eventTime,
    ...(row.originSeq > 0 ? { origin: { id: `${row.stage}/${row.partition}`, seq: row.originSeq } } : {}),
  };
  if (row.headers[CONTROL_ROW_HEADER] === undefined) return base;
  // The row's marker becomes the record's control field: the log carries it as its own.
  const { [CONTROL_ROW_HEADER]: _marker, ...headers } = row.headers;
  return { ...base, headers, control: 'watermark' };
}
