import type { ActorRecord, JournalEvent, Snapshot } from '../../core/store/store.ts';
import { JOURNAL_COLUMNS, journalEvent, snapshot } from './rows.ts';
import type { SqlRow } from './sql-driver.ts';
import { storedInteger } from './stored-integer.ts';

/** Snapshot, journal tail and progress of one key in one round trip; `part` tells the rows apart. */
export const LOAD_SQL = `
WITH snap AS (
  SELECT version, state FROM eddy_snapshots WHERE actor = $1 AND key = $2 ORDER BY version DESC LIMIT 1
)
SELECT 0 AS part, $2::text AS key, version, NULL::text AS type, NULL::integer AS schema_version, state AS data,
       NULL::bigint AS input_seq, NULL::bigint AS event_time
  FROM snap
UNION ALL
SELECT 1, $2::text, ${JOURNAL_COLUMNS}
  FROM eddy_journal
 WHERE actor = $1 AND key = $2 AND version > COALESCE((SELECT version FROM snap), 0)
UNION ALL
SELECT 2, $2::text, seq, NULL, NULL, NULL, timer_serial, NULL
  FROM eddy_key_progress
 WHERE stage = $3 AND partition = $4 AND key = $2
ORDER BY part, version
`;

/**
 * The same for many keys of one actor in one statement: what a partition
 * meeting many new keys at once (a restart, a burst) loads them with, since
 * a statement costs the server about the same whatever the number of keys.
 * Each key is its own index probe (LATERAL): with `key = ANY(…)` the planner
 * may scan the whole journal of every actor instead.
 */
export const LOAD_MANY_SQL = `
WITH k AS (SELECT DISTINCT unnest($2::text[]) AS key),
snap AS (
  SELECT k.key, s.version, s.state
    FROM k CROSS JOIN LATERAL (
      SELECT version, state FROM eddy_snapshots
       WHERE actor = $1 AND key = k.key ORDER BY version DESC LIMIT 1
    ) s
)
SELECT 0 AS part, key, version, NULL::text AS type, NULL::integer AS schema_version, state AS data,
       NULL::bigint AS input_seq, NULL::bigint AS event_time
  FROM snap
UNION ALL
SELECT 1, k.key, j.version, j.type, j.schema_version, j.data, j.input_seq, j.event_time
  FROM k LEFT JOIN snap ON snap.key = k.key
 CROSS JOIN LATERAL (
   SELECT ${JOURNAL_COLUMNS} FROM eddy_journal
    WHERE actor = $1 AND key = k.key AND version > COALESCE(snap.version, 0)
 ) j
UNION ALL
SELECT 2, p.key, p.seq, NULL, NULL, NULL, p.timer_serial, NULL
  FROM k JOIN eddy_key_progress p ON p.stage = $3 AND p.partition = $4 AND p.key = k.key
ORDER BY part, key, version
`;

/** The records of `keys` (in their order) from the rows of `LOAD_SQL` or `LOAD_MANY_SQL`. */
export function actorRecords(actor: string, keys: readonly string[], rows: readonly SqlRow[]): ActorRecord[] {
  const byKey = new Map<
    string,
    { snapshot: Snapshot | undefined; events: JournalEvent[]; lastAppliedSeq: number; timerSerial: number }
  >();
  for (const key of keys)
    byKey.set(key, { snapshot: undefined, events: [], lastAppliedSeq: 0, timerSerial: 0 });
  for (const row of rows) {
    const key = row.key as string;
    const record = byKey.get(key);
    if (!record) continue;
    if (row.part === 0) record.snapshot = snapshot(actor, key, { version: row.version, state: row.data });
    else if (row.part === 1) record.events.push(journalEvent(actor, key, row));
    else {
      record.lastAppliedSeq = storedInteger(row.version, 'eddy_key_progress.seq');
      record.timerSerial = storedInteger(row.input_seq, 'eddy_key_progress.timer_serial');
    }
  }
  return keys.map((key) => byKey.get(key) as ActorRecord);
}
