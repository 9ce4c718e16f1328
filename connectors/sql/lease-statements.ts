/**
 * Leases on partitions and stage membership, on the database's clock so that
 * instances with skewed clocks still agree. `$n * interval '1 millisecond'`
 * keeps the lease length a plain number parameter.
 */

/**
 * Takes a partition whose lease is absent, ended or run out, or held by the
 * same owner (an instance restarted under its name); otherwise updates
 * nothing and returns no row. The row lock makes two racing instances take
 * turns: the second sees the first's live lease.
 */
export const ACQUIRE_SQL = `
INSERT INTO eddy_partitions AS p (stage, partition, owner, epoch, lease_until)
VALUES ($1, $2, $3, 1, now() + $4 * interval '1 millisecond')
ON CONFLICT (stage, partition) DO UPDATE
   SET owner = excluded.owner, epoch = p.epoch + 1, lease_until = excluded.lease_until, updated_at = now()
 WHERE p.lease_until IS NULL OR p.lease_until <= now() OR p.owner = excluded.owner
RETURNING epoch, watermark, event_time_watermark, applied_origins, origin_sequences
`;

/**
 * Extends the leases still at the owner's epochs, even one that ran out
 * unnoticed: nobody took it (the epoch is unchanged), so nobody committed.
 */
export const RENEW_SQL = `
UPDATE eddy_partitions p
   SET lease_until = now() + $5 * interval '1 millisecond', updated_at = now()
  FROM unnest($3::integer[], $4::bigint[]) AS h(partition, epoch)
 WHERE p.stage = $1 AND p.owner = $2 AND p.partition = h.partition AND p.epoch = h.epoch
RETURNING p.partition
`;

export const RELEASE_SQL = `
UPDATE eddy_partitions
   SET lease_until = now() - interval '1 millisecond', updated_at = now()
 WHERE stage = $1 AND partition = $2 AND epoch = $3 AND lease_until IS NOT NULL
`;

/** Heartbeat, then the live members; a lease of 0 leaves. */
export const MEMBERS_SQL = `
WITH beat AS (
  INSERT INTO eddy_members (stage, owner, lease_until)
  VALUES ($1, $2, now() + $3 * interval '1 millisecond')
  ON CONFLICT (stage, owner) DO UPDATE SET lease_until = excluded.lease_until
  RETURNING owner, lease_until
)
SELECT owner FROM eddy_members WHERE stage = $1 AND owner <> $2 AND lease_until > now()
UNION ALL
SELECT owner FROM beat WHERE lease_until > now()
ORDER BY owner
`;
