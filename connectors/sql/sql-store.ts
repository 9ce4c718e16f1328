import { FencedError } from '../../core/errors/fenced-error.ts';
import { JournalConflictError } from '../../core/errors/journal-conflict-error.ts';
import { StoreClosedError } from '../../core/errors/store-closed-error.ts';
import { prepareBatch } from '../../core/store/prepared-batch.ts';
import { checkInt32, checkKey, checkLeaseMs, checkText } from '../../core/store/storable.ts';
import type {
  ActorRecord,
  CommitBatch,
  HeldLease,
  JournalEvent,
  Json,
  OutboxRow,
  PartitionClaim,
  Snapshot,
  Store,
  TimerRow,
} from '../../core/store/store.ts';
import { writeMemories } from './commit-memories.ts';
import { COMMIT_SQL, commitParams, JOURNAL_CONFLICT_SQL } from './commit-statement.ts';
import { ACQUIRE_SQL, MEMBERS_SQL, RELEASE_SQL, RENEW_SQL } from './lease-statements.ts';
import { actorRecords, LOAD_MANY_SQL, LOAD_SQL } from './load-statements.ts';
import { migrate } from './migrate.ts';
import { JOURNAL_COLUMNS, journalEvent, outboxRow, snapshot, timerRow } from './rows.ts';
import type { SqlDriver, SqlRow } from './sql-driver.ts';
import { registerStoreDriver } from './store-driver.ts';
import { storedInteger } from './stored-integer.ts';

const CLAIM_SQL = `
INSERT INTO eddy_partitions AS p (stage, partition, owner, epoch)
VALUES ($1, $2, $3, 1)
ON CONFLICT (stage, partition) DO UPDATE
   SET owner = excluded.owner, epoch = p.epoch + 1, lease_until = NULL, updated_at = now()
RETURNING epoch, watermark, event_time_watermark, applied_origins, origin_sequences
`;

const JOURNAL_SQL = `
SELECT ${JOURNAL_COLUMNS} FROM eddy_journal WHERE actor = $1 AND key = $2 AND version >= $3 ORDER BY version
`;

const SNAPSHOTS_SQL =
  'SELECT version, state FROM eddy_snapshots WHERE actor = $1 AND key = $2 ORDER BY version';

/** A skip scan: one index probe per key instead of reading every version. */
const KEYS_SQL = `
WITH RECURSIVE k AS (
  SELECT min(key) AS key FROM eddy_journal WHERE actor = $1
  UNION ALL
  SELECT (SELECT min(key) FROM eddy_journal WHERE actor = $1 AND key > k.key) FROM k WHERE k.key IS NOT NULL
)
SELECT key FROM k WHERE key IS NOT NULL
`;

const OUTBOX_SQL = `
SELECT msg_id, subject, key, payload, headers, event_time, position, origin_seq
  FROM eddy_outbox WHERE stage = $1 AND partition = $2 ORDER BY position, msg_id
`;

/**
 * One index probe per msg id. The plain `msg_id = ANY($3)` gets a generic plan
 * that scans the partition's whole index range and filters: the outbox looks
 * empty to the planner, but between vacuums it holds every deleted row, so
 * each delete cost more the longer a stage ran (bench:jetstream). The LIMIT
 * keeps the lookup from being flattened into such a join.
 */
const DELETE_OUTBOX_SQL = `
DELETE FROM eddy_outbox WHERE ctid = ANY (ARRAY(
  SELECT o.ctid FROM unnest($3::text[]) AS m(msg_id)
   CROSS JOIN LATERAL (SELECT ctid FROM eddy_outbox
                        WHERE stage = $1 AND partition = $2 AND msg_id = m.msg_id LIMIT 1) AS o))
`;

const TIMERS_SQL = `
SELECT actor, key, name, kind, at, serial FROM eddy_timers WHERE stage = $1 AND partition = $2 ORDER BY actor, key, name
`;

/**
 * The Store on PostgreSQL's SQL, shared by `PgStore` and `PgliteStore` through
 * a `SqlDriver`: one migration set, the same statements. A commit is one
 * statement (see `COMMIT_SQL`); `load` is one query.
 *
 * JSON (event data, snapshot state, payloads, headers) is kept as jsonb:
 * every value comes back exactly (numbers, strings, nesting), but object keys
 * come back in jsonb's order (shorter keys first), not the order written.
 * Compare states with `canonical` or key-order-blind equality, never as JSON text.
 */
export class SqlStore implements Store {
  readonly #driver: SqlDriver;
  #closed = false;

  constructor(driver: SqlDriver) {
    this.#driver = driver;
    registerStoreDriver(this, driver);
  }

  async migrate(): Promise<void> {
    this.#open('migrate');
    await migrate(this.#driver);
  }

  async claim(stage: string, partition: number, owner: string): Promise<PartitionClaim> {
    this.#open('claim');
    checkOwnership(stage, partition, owner);
    const [row] = await this.#driver.query(CLAIM_SQL, [stage, partition, owner]);
    if (!row) throw new Error('claim returned no row');
    return claimOf(stage, partition, owner, row);
  }

  async acquire(
    stage: string,
    partition: number,
    owner: string,
    leaseMs: number,
  ): Promise<PartitionClaim | undefined> {
    this.#open('acquire');
    checkOwnership(stage, partition, owner);
    checkLeaseMs(leaseMs);
    const [row] = await this.#driver.query(ACQUIRE_SQL, [stage, partition, owner, leaseMs]);
    return row ? claimOf(stage, partition, owner, row) : undefined;
  }

  async renew(
    stage: string,
    owner: string,
    leases: readonly HeldLease[],
    leaseMs: number,
  ): Promise<readonly number[]> {
    this.#open('renew');
    checkLeaseMs(leaseMs);
    if (leases.length === 0) return [];
    const rows = await this.#driver.query(RENEW_SQL, [
      stage,
      owner,
      leases.map((l) => l.partition),
      leases.map((l) => l.epoch),
      leaseMs,
    ]);
    return rows.map((r) => Number(r.partition)).sort((a, b) => a - b);
  }

  async release(stage: string, lease: HeldLease): Promise<void> {
    this.#open('release');
    await this.#driver.query(RELEASE_SQL, [stage, lease.partition, lease.epoch]);
  }

  async members(stage: string, owner: string, leaseMs: number): Promise<readonly string[]> {
    this.#open('members');
    checkText(stage, 'stage');
    checkText(owner, 'owner');
    checkLeaseMs(leaseMs, true);
    const rows = await this.#driver.query(MEMBERS_SQL, [stage, owner, leaseMs]);
    return rows.map((r) => String(r.owner));
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.#open('commit');
    const b = prepareBatch(batch);
    let rows: Awaited<ReturnType<SqlDriver['query']>>;
    try {
      // Memory writes join the commit's transaction; without them the commit stays one statement.
      rows =
        b.memories.length === 0
          ? await this.#driver.query(COMMIT_SQL, commitParams(b))
          : await this.#driver.transaction(async (tx) => {
              const done = await tx.query(COMMIT_SQL, commitParams(b));
              if (done[0]?.owned !== 1) throw new FencedError(b.stage, b.partition, b.epoch);
              await writeMemories(tx, b.memories);
              return done;
            });
    } catch (error) {
      if (!isUniqueViolation(error, 'eddy_journal_pkey')) throw error;
      const events = b.events;
      const [conflict] = await this.#driver.query(JOURNAL_CONFLICT_SQL, [
        events.map((e) => e.actor),
        events.map((e) => e.key),
        events.map((e) => e.version),
      ]);
      if (!conflict) throw error;
      throw new JournalConflictError(
        conflict.actor as string,
        conflict.key as string,
        storedInteger(conflict.version, 'eddy_journal.version'),
      );
    }
    if (rows[0]?.owned !== 1) throw new FencedError(b.stage, b.partition, b.epoch);
  }

  async load(actor: string, key: string, stage: string, partition: number): Promise<ActorRecord> {
    this.#open('load');
    checkKey(key, 'key');
    const rows = await this.#driver.query(LOAD_SQL, [actor, key, stage, partition]);
    return actorRecords(actor, [key], rows)[0] as ActorRecord;
  }

  async loadMany(
    actor: string,
    keys: readonly string[],
    stage: string,
    partition: number,
  ): Promise<readonly ActorRecord[]> {
    this.#open('loadMany');
    for (const key of keys) checkKey(key, 'key');
    if (keys.length === 0) return [];
    const unique = [...new Set(keys)];
    const rows = await this.#driver.query(LOAD_MANY_SQL, [actor, unique, stage, partition]);
    const found = actorRecords(actor, unique, rows);
    const records = new Map(unique.map((key, i) => [key, found[i] as ActorRecord] as const));
    return keys.map((key) => records.get(key) as ActorRecord);
  }

  async journal(actor: string, key: string, fromVersion = 1): Promise<readonly JournalEvent[]> {
    this.#open('journal');
    const rows = await this.#driver.query(JOURNAL_SQL, [actor, key, fromVersion]);
    return rows.map((row) => journalEvent(actor, key, row));
  }

  async snapshots(actor: string, key: string): Promise<readonly Snapshot[]> {
    this.#open('snapshots');
    const rows = await this.#driver.query(SNAPSHOTS_SQL, [actor, key]);
    return rows.map((row) => snapshot(actor, key, row));
  }

  async keys(actor: string): Promise<readonly string[]> {
    this.#open('keys');
    const rows = await this.#driver.query(KEYS_SQL, [actor]);
    return rows.map((row) => row.key as string);
  }

  async outbox(stage: string, partition: number): Promise<readonly OutboxRow[]> {
    this.#open('outbox');
    const rows = await this.#driver.query(OUTBOX_SQL, [stage, partition]);
    return rows.map((row) => outboxRow(stage, partition, row));
  }

  async deleteOutbox(stage: string, partition: number, msgIds: readonly string[]): Promise<void> {
    this.#open('deleteOutbox');
    if (msgIds.length === 0) return;
    await this.#driver.query(DELETE_OUTBOX_SQL, [stage, partition, msgIds]);
  }

  async timers(stage: string, partition: number): Promise<readonly TimerRow[]> {
    this.#open('timers');
    const rows = await this.#driver.query(TIMERS_SQL, [stage, partition]);
    return rows.map((row) => timerRow(stage, partition, row));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#driver.close();
  }

  #open(operation: string): void {
    if (this.#closed) throw new StoreClosedError(operation);
  }
}

function isUniqueViolation(error: unknown, constraint: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && e.constraint === constraint;
}

function checkOwnership(stage: string, partition: number, owner: string): void {
  checkText(stage, 'stage');
  checkInt32(partition, 'partition', 0);
  checkText(owner, 'owner');
}

function claimOf(stage: string, partition: number, owner: string, row: SqlRow): PartitionClaim {
  return {
    stage,
    partition,
    owner,
    epoch: storedInteger(row.epoch, 'eddy_partitions.epoch'),
    watermark: storedInteger(row.watermark, 'eddy_partitions.watermark'),
    eventTimeWatermark: storedInteger(row.event_time_watermark, 'eddy_partitions.event_time_watermark'),
    appliedOrigins: (row.applied_origins ?? {}) as Json,
    originSequences: (row.origin_sequences ?? {}) as Json,
  };
}
