import type { HandRow } from './jetstream-hand-rows.ts';

/**
 * The ceiling's commit: one statement (atomic, one round trip) that writes a
 * batch's journal rows, snapshots (keeping the newest per key), outbox rows and
 * key progress, deletes the outbox rows already published, and moves the
 * watermark under the epoch check, the same rows eddy's commit writes.
 */
export const BATCH_SQL = `
WITH fence AS (
  UPDATE eddy_partitions SET watermark = GREATEST(watermark, $3), updated_at = now()
   WHERE stage = $1 AND partition = $2 AND epoch = $4
  RETURNING 1
), journal AS (
  INSERT INTO eddy_journal (actor, key, version, type, schema_version, data, input_seq, event_time)
  SELECT $1, key, version, 'Counted', 1, '{"type":"Counted"}'::jsonb, input_seq, event_time
    FROM unnest($5::text[], $6::bigint[], $7::bigint[], $8::bigint[]) AS r(key, version, input_seq, event_time)
   WHERE EXISTS (SELECT FROM fence)
), snap_in AS (
  SELECT * FROM unnest($9::text[], $10::bigint[], $11::text[]) AS r(key, version, state)
), snap_pruned AS (
  DELETE FROM eddy_snapshots s USING snap_in r
   WHERE s.actor = $1 AND s.key = r.key AND s.version < r.version AND EXISTS (SELECT FROM fence)
), snap_written AS (
  INSERT INTO eddy_snapshots (actor, key, version, state)
  SELECT $1, key, version, state::jsonb FROM snap_in WHERE EXISTS (SELECT FROM fence)
), outbox AS (
  INSERT INTO eddy_outbox (stage, partition, msg_id, subject, key, payload, headers, event_time, position)
  SELECT $1, $2, msg_id, $12, key, payload::jsonb, '{}'::jsonb, event_time, position
    FROM unnest($13::text[], $5::text[], $14::text[], $8::bigint[], $15::bigint[])
         AS r(msg_id, key, payload, event_time, position)
   WHERE EXISTS (SELECT FROM fence)
), outbox_done AS (
  -- One index probe per msg id, as eddy's deleteOutbox: a plain msg_id = ANY(...) scans every
  -- dead row of the partition until vacuum.
  DELETE FROM eddy_outbox WHERE ctid = ANY (ARRAY(
    SELECT o.ctid FROM unnest($16::text[]) AS m(msg_id)
     CROSS JOIN LATERAL (SELECT ctid FROM eddy_outbox
                          WHERE stage = $1 AND partition = $2 AND msg_id = m.msg_id LIMIT 1) AS o))
     AND EXISTS (SELECT FROM fence)
), progress AS (
  INSERT INTO eddy_key_progress (stage, partition, key, seq)
  SELECT $1, $2, key, seq FROM unnest($17::text[], $18::bigint[]) AS r(key, seq)
   WHERE EXISTS (SELECT FROM fence)
  ON CONFLICT (stage, partition, key) DO UPDATE SET seq = GREATEST(eddy_key_progress.seq, excluded.seq)
)
SELECT count(*)::integer AS owned FROM fence
`;

/** Parameters of `BATCH_SQL` for rows of one partition, in log order. */
export function batchParams(
  stage: string,
  partition: number,
  epoch: number,
  output: string,
  rows: readonly HandRow[],
  published: readonly string[],
): unknown[] {
  const snapshots = new Map<string, HandRow>();
  const progress = new Map<string, number>();
  for (const r of rows) {
    if (r.snapshot !== undefined) snapshots.set(r.key, r);
    progress.set(r.key, r.seq);
  }
  const snaps = [...snapshots.values()];
  return [
    stage,
    partition,
    rows.at(-1)?.seq ?? 0,
    epoch,
    rows.map((r) => r.key),
    rows.map((r) => r.version),
    rows.map((r) => r.seq),
    rows.map((r) => r.eventTime),
    snaps.map((r) => r.key),
    snaps.map((r) => r.version),
    snaps.map((r) => r.snapshot),
    output,
    rows.map((r) => r.msgId),
    rows.map((r) => r.payload),
    rows.map((r) => r.position),
    published,
    [...progress.keys()],
    [...progress.values()],
  ];
}

/** The naive loop's statements, one transaction per input (between BEGIN and COMMIT). */
export const NAIVE_SQL = {
  journal: `INSERT INTO eddy_journal (actor, key, version, type, schema_version, data, input_seq, event_time)
            VALUES ($1, $2, $3, 'Counted', 1, '{"type":"Counted"}'::jsonb, $4, $5)`,
  snapshot: `INSERT INTO eddy_snapshots (actor, key, version, state) VALUES ($1, $2, $3, $4::jsonb)`,
  prune: 'DELETE FROM eddy_snapshots WHERE actor = $1 AND key = $2 AND version < $3',
  outbox: `INSERT INTO eddy_outbox (stage, partition, msg_id, subject, key, payload, headers, event_time, position)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, '{}'::jsonb, $7, $8)`,
  published: 'DELETE FROM eddy_outbox WHERE stage = $1 AND partition = $2 AND msg_id = $3',
  progress: `INSERT INTO eddy_key_progress (stage, partition, key, seq) VALUES ($1, $2, $3, $4)
             ON CONFLICT (stage, partition, key) DO UPDATE SET seq = GREATEST(eddy_key_progress.seq, excluded.seq)`,
  watermark: `UPDATE eddy_partitions SET watermark = GREATEST(watermark, $3), updated_at = now()
               WHERE stage = $1 AND partition = $2 AND epoch = $4`,
} as const;
