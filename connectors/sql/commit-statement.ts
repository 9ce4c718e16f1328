import type { PreparedBatch } from '../../core/store/prepared-batch.ts';

/**
 * The whole commit as ONE statement, so it is atomic without an explicit
 * transaction and costs one round trip. The first CTE checks the epoch (and,
 * for a leased partition, that the lease is live on the database's clock), locks
 * the partition row (a concurrent claim waits for it, and a claim that got
 * there first makes it match nothing) and moves the watermarks forward; every
 * write is gated on it, so a fenced commit writes nothing. A journal version
 * that exists already fails the statement (unique violation), which undoes
 * every CTE. Rows travel as one array per column (unnest), so the statement
 * has a fixed shape whatever the batch size and can stay prepared.
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
         applied_origins = COALESCE($38::jsonb, applied_origins),
         origin_sequences = COALESCE($39::jsonb, origin_sequences),
         updated_at = now()
   WHERE stage = $1 AND partition = $2 AND epoch = $3
     AND (lease_until IS NULL OR lease_until > now())
  RETURNING 1
), journal AS (
  INSERT INTO eddy_journal (actor, key, version, type, schema_version, data, input_seq, event_time)
  SELECT actor, key, version, type, schema_version, data::jsonb, input_seq, event_time
    FROM unnest($6::text[], $7::text[], $8::bigint[], $9::text[], $10::integer[], $11::text[], $12::bigint[], $13::bigint[])
         AS r(actor, key, version, type, schema_version, data, input_seq, event_time)
   WHERE EXISTS (SELECT FROM fence)
), snap_in AS (
  SELECT * FROM unnest($14::text[], $15::text[], $16::bigint[], $17::text[]) AS r(actor, key, version, state)
), snap_keys AS (
  SELECT DISTINCT actor, key FROM snap_in
), snap_keep AS (
  SELECT actor, key, version
    FROM (SELECT actor, key, version, row_number() OVER (PARTITION BY actor, key ORDER BY version DESC) AS rank
            FROM (SELECT s.actor, s.key, s.version FROM eddy_snapshots s JOIN snap_keys USING (actor, key)
                  UNION
                  SELECT actor, key, version FROM snap_in) AS candidates) AS ranked
   WHERE rank <= $18
), snap_pruned AS (
  DELETE FROM eddy_snapshots s USING snap_keys k
   WHERE s.actor = k.actor AND s.key = k.key
     AND NOT EXISTS (SELECT FROM snap_keep p WHERE p.actor = s.actor AND p.key = s.key AND p.version = s.version)
     AND EXISTS (SELECT FROM fence)
), snap_written AS (
  INSERT INTO eddy_snapshots (actor, key, version, state)
  SELECT actor, key, version, state::jsonb FROM snap_in JOIN snap_keep USING (actor, key, version)
   WHERE EXISTS (SELECT FROM fence)
  ON CONFLICT (actor, key, version) DO UPDATE SET state = excluded.state, recorded_at = now()
), outbox AS (
  INSERT INTO eddy_outbox (stage, partition, msg_id, subject, key, payload, headers, event_time, position, origin_seq)
  SELECT $1, $2, msg_id, subject, key, payload::jsonb, headers::jsonb, event_time, position, origin_seq
    FROM unnest($19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::bigint[], $25::bigint[],
                $40::bigint[])
         AS r(msg_id, subject, key, payload, headers, event_time, position, origin_seq)
   WHERE EXISTS (SELECT FROM fence)
  ON CONFLICT (stage, partition, msg_id) DO NOTHING
), progress AS (
  INSERT INTO eddy_key_progress (stage, partition, key, seq, timer_serial)
  SELECT $1, $2, key, seq, timer_serial
    FROM unnest($26::text[], $27::bigint[], $36::bigint[]) AS r(key, seq, timer_serial)
   WHERE EXISTS (SELECT FROM fence)
  ON CONFLICT (stage, partition, key) DO UPDATE
     SET seq = GREATEST(eddy_key_progress.seq, excluded.seq),
         timer_serial = GREATEST(eddy_key_progress.timer_serial, excluded.timer_serial)
), timers_deleted AS (
  DELETE FROM eddy_timers t USING unnest($28::text[], $29::text[], $30::text[]) AS r(actor, key, name)
   WHERE t.actor = r.actor AND t.key = r.key AND t.name = r.name
     AND EXISTS (SELECT FROM fence)
), timers_set AS (
  INSERT INTO eddy_timers (actor, key, name, stage, partition, kind, at, serial)
  SELECT actor, key, name, $1, $2, kind, at, serial
    FROM unnest($31::text[], $32::text[], $33::text[], $34::text[], $35::bigint[], $37::bigint[])
         AS r(actor, key, name, kind, at, serial)
   WHERE EXISTS (SELECT FROM fence)
  ON CONFLICT (actor, key, name) DO UPDATE
     SET stage = excluded.stage, partition = excluded.partition, kind = excluded.kind, at = excluded.at,
         serial = excluded.serial
)
SELECT count(*)::integer AS owned FROM fence
`;

/** The parameters of `COMMIT_SQL` for a checked batch. */
export function commitParams(b: PreparedBatch): unknown[] {
  const { events: e, snapshots: s, outbox: o, progress: p, timersDeleted: td, timersSet: ts } = b;
  return [
    b.stage,
    b.partition,
    b.epoch,
    b.watermark ?? null,
    b.eventTimeWatermark ?? null,
    e.map((x) => x.actor),
    e.map((x) => x.key),
    e.map((x) => x.version),
    e.map((x) => x.type),
    e.map((x) => x.schemaVersion),
    e.map((x) => JSON.stringify(x.data)),
    e.map((x) => x.inputSeq),
    e.map((x) => x.eventTime),
    s.map((x) => x.actor),
    s.map((x) => x.key),
    s.map((x) => x.version),
    s.map((x) => JSON.stringify(x.state)),
    b.keepSnapshots,
    o.map((x) => x.msgId),
    o.map((x) => x.subject),
    o.map((x) => x.key),
    o.map((x) => JSON.stringify(x.payload)),
    o.map((x) => JSON.stringify(x.headers)),
    o.map((x) => x.eventTime),
    o.map((x) => x.position),
    p.map((x) => x.key),
    p.map((x) => x.seq),
    td.map((x) => x.actor),
    td.map((x) => x.key),
    td.map((x) => x.name),
    ts.map((x) => x.actor),
    ts.map((x) => x.key),
    ts.map((x) => x.name),
    ts.map((x) => x.kind),
    ts.map((x) => x.at),
    p.map((x) => x.timerSerial),
    ts.map((x) => x.serial),
    b.appliedOrigins === undefined ? null : JSON.stringify(b.appliedOrigins),
    b.originSequences === undefined ? null : JSON.stringify(b.originSequences),
    o.map((x) => x.originSeq),
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
