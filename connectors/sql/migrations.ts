/** One step of the schema, applied once, in version order, inside a transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/**
 * The schema of `PgStore` and `PgliteStore`, oldest first. Append new steps;
 * never edit one that has shipped (databases record which versions they ran).
 *
 * Text that keys rows uses COLLATE "C": byte order is code point order, the
 * same order `MemoryStore` returns, and it compares faster. Numbers are bigint
 * (JavaScript's safe integers fit); JSON is jsonb, which keeps values exactly
 * but not object key order.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'journal, snapshots, outbox, key progress, timers, partitions',
    sql: `
      CREATE TABLE eddy_journal (
        actor          text COLLATE "C" NOT NULL,
        key            text COLLATE "C" NOT NULL,
        version        bigint NOT NULL CHECK (version >= 1),
        type           text NOT NULL,
        schema_version integer NOT NULL,
        data           jsonb NOT NULL,
        input_seq      bigint NOT NULL,
        event_time     bigint NOT NULL,
        recorded_at    timestamptz NOT NULL DEFAULT now(),
        -- Serves load (tail after a version), journal() and keys() (a skip scan).
        PRIMARY KEY (actor, key, version)
      );

      CREATE TABLE eddy_snapshots (
        actor       text COLLATE "C" NOT NULL,
        key         text COLLATE "C" NOT NULL,
        version     bigint NOT NULL,
        state       jsonb NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        -- load reads the newest by a backward scan of it.
        PRIMARY KEY (actor, key, version)
      );

      -- Rows live from commit to publish, so the table stays small: the primary
      -- key finds a partition's rows and sorting them by position is cheap; an
      -- index on position would double the write cost of every row.
      CREATE TABLE eddy_outbox (
        stage      text COLLATE "C" NOT NULL,
        partition  integer NOT NULL,
        msg_id     text COLLATE "C" NOT NULL,
        subject    text NOT NULL,
        key        text NOT NULL,
        payload    jsonb NOT NULL,
        headers    jsonb NOT NULL,
        event_time bigint NOT NULL,
        position   bigint NOT NULL,
        PRIMARY KEY (stage, partition, msg_id)
      );

      CREATE TABLE eddy_key_progress (
        stage     text COLLATE "C" NOT NULL,
        partition integer NOT NULL,
        key       text COLLATE "C" NOT NULL,
        seq       bigint NOT NULL,
        PRIMARY KEY (stage, partition, key)
      );

      CREATE TABLE eddy_timers (
        actor     text COLLATE "C" NOT NULL,
        key       text COLLATE "C" NOT NULL,
        name      text COLLATE "C" NOT NULL,
        stage     text COLLATE "C" NOT NULL,
        partition integer NOT NULL,
        kind      text NOT NULL CHECK (kind IN ('event', 'processing')),
        at        bigint NOT NULL,
        PRIMARY KEY (actor, key, name)
      );
      -- A partition loads its timers when it starts.
      CREATE INDEX eddy_timers_partition ON eddy_timers (stage, partition);

      CREATE TABLE eddy_partitions (
        stage                text COLLATE "C" NOT NULL,
        partition            integer NOT NULL,
        owner                text NOT NULL,
        epoch                bigint NOT NULL,
        watermark            bigint NOT NULL DEFAULT 0,
        event_time_watermark bigint NOT NULL DEFAULT 0,
        -- For leases (an owner holds the partition until then); NULL: no lease.
        lease_until          timestamptz,
        updated_at           timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (stage, partition)
      );
    `,
  },
  {
    version: 2,
    name: 'stage members for lease-shared partitions',
    sql: `
      -- Instances of a stage that share its partitions through leases: each one
      -- divides the partitions by the live members (lease_until in the future).
      CREATE TABLE eddy_members (
        stage       text COLLATE "C" NOT NULL,
        owner       text COLLATE "C" NOT NULL,
        lease_until timestamptz NOT NULL,
        PRIMARY KEY (stage, owner)
      );
    `,
  },
  {
    version: 3,
    name: 'timer serials: each timer setting names its own firing',
    sql: `
      ALTER TABLE eddy_timers ADD COLUMN serial bigint NOT NULL DEFAULT 0;
      ALTER TABLE eddy_key_progress ADD COLUMN timer_serial bigint NOT NULL DEFAULT 0;
      -- Timers set before serials existed get distinct ones per key, and their
      -- keys' counters start above them, so no two firings share an identity.
      UPDATE eddy_timers t
         SET serial = n.serial
        FROM (SELECT actor, key, name,
                     row_number() OVER (PARTITION BY stage, partition, key ORDER BY actor, name) AS serial
                FROM eddy_timers) AS n
       WHERE t.actor = n.actor AND t.key = n.key AND t.name = n.name;
      INSERT INTO eddy_key_progress (stage, partition, key, seq, timer_serial)
      SELECT stage, partition, key, 0, max(serial) FROM eddy_timers GROUP BY stage, partition, key
      ON CONFLICT (stage, partition, key) DO UPDATE
         SET timer_serial = GREATEST(eddy_key_progress.timer_serial, excluded.timer_serial);
    `,
  },
  {
    version: 4,
    name: 'origin sequences: downstream stages drop outputs republished after the duplicate window',
    sql: `
      -- What this partition applied of each upstream origin, and the last origin
      -- sequence it gave each destination: both rewritten by the commits that change them.
      ALTER TABLE eddy_partitions ADD COLUMN applied_origins jsonb NOT NULL DEFAULT '{}';
      ALTER TABLE eddy_partitions ADD COLUMN origin_sequences jsonb NOT NULL DEFAULT '{}';
      -- 0: the row has no origin sequence (its destination is not numbered).
      ALTER TABLE eddy_outbox ADD COLUMN origin_seq bigint NOT NULL DEFAULT 0;
    `,
  },
];

/**
 * The tables of long-term memory, applied like the store's (same table of
 * applied versions, same lock) but only when memory is used: the first
 * `sqlMemory(store).collection(...)` runs them. So a store that never keeps
 * memories needs no pgvector on its server.
 */
export const memoryMigrations: readonly Migration[] = [
  {
    version: 1001,
    name: 'long-term memory: collections and memories (pgvector, full text)',
    sql: `
      -- Long-term memory needs pgvector on the server (PGlite loads it itself).
      CREATE EXTENSION IF NOT EXISTS vector;

      -- A collection fixes its embedding dimension; its HNSW index is a partial
      -- expression index on eddy_memories, made when the collection is.
      CREATE TABLE eddy_memory_collections (
        name       text COLLATE "C" PRIMARY KEY,
        dimensions integer NOT NULL CHECK (dimensions BETWEEN 1 AND 2000),
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE eddy_memories (
        collection text COLLATE "C" NOT NULL REFERENCES eddy_memory_collections (name),
        namespace  text COLLATE "C" NOT NULL,
        id         text COLLATE "C" NOT NULL,
        text       text NOT NULL,
        embedding  vector NOT NULL,
        metadata   jsonb NOT NULL DEFAULT '{}',
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        expires_at bigint,
        -- 'simple': no stemming, no stop words, so names, ids and error codes match as written.
        words      tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED,
        PRIMARY KEY (collection, namespace, id)
      );
      CREATE INDEX eddy_memories_words ON eddy_memories USING gin (words);
      CREATE INDEX eddy_memories_metadata ON eddy_memories USING gin (metadata jsonb_path_ops);
      CREATE INDEX eddy_memories_expiry ON eddy_memories (collection, expires_at) WHERE expires_at IS NOT NULL;
    `,
  },
];
