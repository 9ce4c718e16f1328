import type { JournalEvent, Json, OutboxRow, Snapshot, TimerRow } from '../../core/store/store.ts';
import type { SqlRow } from './sql-driver.ts';
import { storedInteger } from './stored-integer.ts';

/** Columns of a journal row as queries select them. */
export const JOURNAL_COLUMNS = 'version, type, schema_version, data, input_seq, event_time';

export function journalEvent(actor: string, key: string, row: SqlRow): JournalEvent {
  return {
    actor,
    key,
    version: storedInteger(row.version, 'eddy_journal.version'),
    type: row.type as string,
    schemaVersion: storedInteger(row.schema_version, 'eddy_journal.schema_version'),
    data: row.data as Json,
    inputSeq: storedInteger(row.input_seq, 'eddy_journal.input_seq'),
    eventTime: storedInteger(row.event_time, 'eddy_journal.event_time'),
  };
}

export function snapshot(actor: string, key: string, row: SqlRow): Snapshot {
  return {
    actor,
    key,
    version: storedInteger(row.version, 'eddy_snapshots.version'),
    state: row.state as Json,
  };
}

export function outboxRow(stage: string, partition: number, row: SqlRow): OutboxRow {
  return {
    stage,
    partition,
    msgId: row.msg_id as string,
    subject: row.subject as string,
    key: row.key as string,
    payload: row.payload as Json,
    headers: row.headers as Readonly<Record<string, string>>,
    eventTime: storedInteger(row.event_time, 'eddy_outbox.event_time'),
    position: storedInteger(row.position, 'eddy_outbox.position'),
    originSeq: storedInteger(row.origin_seq, 'eddy_outbox.origin_seq'),
  };
}

export function timerRow(stage: string, partition: number, row: SqlRow): TimerRow {
  return {
    actor: row.actor as string,
    key: row.key as string,
    name: row.name as string,
    kind: row.kind as TimerRow['kind'],
    at: storedInteger(row.at, 'eddy_timers.at'),
    stage,
    partition,
    serial: storedInteger(row.serial, 'eddy_timers.serial'),
  };
}
