import type { PreparedBatch } from '../../core/store/prepared-batch.ts';

/**
 * The whole commit as ONE statement, so it is atomic without an explicit
 * transaction and costs one round trip. The first CTE checks the epoch (and,
 * for a leased partition, that the lease is live on the database's clock), locks
 * the partition row (a concurrent claim waits for it, and a claim that got
 * there first makes it match nothing) and moves the watermarks forward; every
 * write is gated on it, so a fenced commit writes nothing. A journal version
 * that exists already fails the statement (unique violation), which undoes
 * every CTE.
 *
 * Rows travel as one JSON array per table (json_to_recordset), so the statement
 * has a fixed shape whatever the batch size and stays prepared. JSON rather than
 * one text[] per column: one native JSON.stringify per table instead of pg's
 * per-element array quoting, which was the largest allocation of a commit in
 * the bench:jetstream profile; the `json` type keeps the server from building a
 * jsonb tree of the whole document. Field names are short: they travel per row.
 * A JSON null in a jsonb field arrives as SQL NULL; COALESCE makes it JSON null again.
 *
 * All CTEs see the table as it was before the statement, so snapshot pruning
 * ranks the kept snapshots and the batch's together: it deletes the kept ones
 * that fall out of the newest `keep` and inserts only the batch's that stay in.
 */
export const COMMIT_SQL = `
WITH fence AS (
  UPDATE eddy_partitions
     SET watermark = GREATEST(watermark, COALESCE($4::bigint, watermark)),
         event_time_watermark = GREATEST(event_time_watermark, COALESCE($5::bigint, event_time_watermark)),
         applied_origins = COALESCE($13::jsonb, applied_origins),
         origin_sequences = COALESCE($14::jsonb, origin_sequences),
         updated_at = now()
   WHERE stage = $1 AND partition = $2 AND epoch = $3
     AND (lease_until IS NULL OR lease_until > now())
  RETURNING 1
), journal AS (
  INSERT INTO eddy_journal (actor, key, version, type, schema_version, data, input_seq, event_time)
  SELECT a, k, v, t, s, COALESCE(d, 'null'), i, e
    FROM json_to_recordset($6::json) AS r(a text, k text, v bigint, t text, s integer, d jsonb, i bigint, e bigint)
   WHERE EXISTS (SELECT FROM fence)
), snap_in AS (
  SELECT a AS actor, k AS key, v AS version, COALESCE(d, 'null') AS state
    FROM json_to_recordset($7::json) AS r(a text, k text, v bigint, d jsonb)
), snap_keys AS (
  SELECT DISTINCT actor, key FROM snap_in
), snap_keep AS (
  SELECT actor, key, version
    FROM (SELECT actor, key, version, row_number() OVER (PARTITION BY actor, key ORDER BY version DESC) AS rank
            FROM (SELECT s.actor, s.key, s.version FROM eddy_snapshots s JOIN snap_keys USING (actor, key)
                  UNION
                  SELECT actor, key, version FROM snap_in) AS candidates) AS ranked
   WHERE rank <= $8
), snap_pruned AS (
  DELETE FROM eddy_snapshots s USING snap_keys k
   WHERE s.actor = k.actor AND s.key = k.key
     AND NOT EXISTS (SELECT FROM snap_keep p WHERE p.actor = s.actor AND p.key = s.key AND p.version = s.version)
     AND EXISTS (SELECT FROM fence)
), snap_written AS (
  INSERT INTO eddy_snapshots (actor, key, version, state)
  SELECT actor, key, version, state FROM snap_in JOIN snap_keep USING (actor, key, version)
   WHERE EXISTS (SELECT FROM fence)
  ON CONFLICT (actor, key, version) DO UPDATE SET state = excluded.state, recorded_at = now()
), outbox AS (
  INSERT INTO eddy_outbox (stage, partition, msg_id, subject, key, payload, headers, event_time, position, origin_seq)
  SELECT $1, $2, m, s, k, COALESCE(p, 'null'), h, e, n, o
    FROM json_to_recordset($9::json)
         AS r(m text, s text, k text, p jsonb, h jsonb, e bigint, n bigint, o bigint)
   WHERE EXISTS (SELECT FROM fence)
  ON CONFLICT (stage, partition, msg_id) DO NOTHING
), outbox_deleted AS (
  -- Rows published since their commit (by ctid: one index probe per msg id, as deleteOutbox does).
  DELETE FROM eddy_outbox WHERE ctid = ANY (ARRAY(
    SELECT o.ctid FROM unnest($15::text[]) AS m(msg_id)
     CROSS JOIN LATERAL (SELECT ctid FROM eddy_outbox
                          WHERE stage = $1 AND partition = $2 AND msg_id = m.msg_id LIMIT 1) AS o))
     AND EXISTS (SELECT FROM fence)
), progress AS (
  INSERT INTO eddy_key_progress (stage, partition, key, seq, timer_serial)
  SELECT $1, $2, k, q, t
    FROM json_to_recordset($10::json) AS r(k text, q bigint, t bigint)
   WHERE EXISTS (SELECT FROM fence)
  ON CONFLICT (stage, partition, key) DO UPDATE
     SET seq = GREATEST(eddy_key_progress.seq, excluded.seq),
         timer_serial = GREATEST(eddy_key_progress.timer_serial, excluded.timer_serial)
), timers_deleted AS (
  DELETE FROM eddy_timers t USING json_to_recordset($11::json) AS r(a text, k text, n text)
   WHERE t.actor = r.a AND t.key = r.k AND t.name = r.n
     AND EXISTS (SELECT FROM fence)
), timers_set AS (
  INSERT INTO eddy_timers (actor, key, name, stage, partition, kind, at, serial)
  SELECT a, k, n, $1, $2, c, t, s
    FROM json_to_recordset($12::json) AS r(a text, k text, n text, c text, t bigint, s bigint)
   WHERE EXISTS (SELECT FROM fence)
  ON CONFLICT (actor, key, name) DO UPDATE
     SET stage = excluded.stage, partition = excluded.partition, kind = excluded.kind, at = excluded.at,
         serial = excluded.serial
)
SELECT count(*)::integer AS owned FROM fence
`;

/** The parameters of `COMMIT_SQL` for a checked batch. */
export function commitParams(b: PreparedBatch): unknown[] {
  return [
    b.stage,
    b.partition,
    b.epoch,
    b.watermark ?? null,
    b.eventTimeWatermark ?? null,
    JSON.stringify(
      b.events.map((x) => ({
        a: x.actor,
        k: x.key,
        v: x.version,
        t: x.type,
        s: x.schemaVersion,
        d: x.data,
        i: x.inputSeq,
        e: x.eventTime,
      })),
    ),
    JSON.stringify(b.snapshots.map((x) => ({ a: x.actor, k: x.key, v: x.version, d: x.state }))),
    b.keepSnapshots,
    JSON.stringify(
      b.outbox.map((x) => ({
        m: x.msgId,
        s: x.subject,
        k: x.key,
        p: x.payload,
        h: x.headers,
        e: x.eventTime,
        n: x.position,
        o: x.originSeq,
      })),
    ),
    JSON.stringify(b.progress.map((x) => ({ k: x.key, q: x.seq, t: x.timerSerial }))),
    JSON.stringify(b.timersDeleted.map((x) => ({ a: x.actor, k: x.key, n: x.name }))),
    JSON.stringify(
      b.timersSet.map((x) => ({ a: x.actor, k: x.key, n: x.name, c: x.kind, t: x.at, s: x.serial })),
    ),
    b.appliedOrigins === undefined ? null : JSON.stringify(b.appliedOrigins),
    b.originSequences === undefined ? null : JSON.stringify(b.originSequences),
    b.outboxDeleted,
  ];
}

/** Which of the batch's versions the journal holds already (after a unique violation). */
export const JOURNAL_CONFLICT_SQL = `
SELECT j.actor, j.key, j.version
  FROM eddy_journal j
  JOIN unnest($1::text[], $2::text[], $3::bigint[]) AS r(actor, key, version) USING (actor, key, version)
 ORDER BY j.actor, j.key, j.version
 LIMIT 1
`;
