import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, inject } from 'vitest';
import { EncodedHeaders } from '../../../connectors/jetstream/encoded-headers.ts';
import { JetStreamLog, partitionSubject, streamName } from '../../../connectors/jetstream/index.ts';
import { PgliteStore } from '../../../connectors/pglite/pglite-store.ts';
import { PgStore } from '../../../connectors/postgres/pg-store.ts';
import { partitionOf } from '../../../core/log/partition-of.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import { createTestDatabase, type TestDatabase } from '../../services/index.ts';
import type { PoisonCase } from './poison-cases.ts';
import type { ForeignRecords } from './poison-run.ts';
import { poisonConformance } from './poison-suite.ts';

// JetStream with each Store; poison-memory-log.test.ts runs the same with the memory log.
const natsUrl = inject('natsUrl');
const encoder = new TextEncoder();
let db: TestDatabase;
let admin: NatsConnection;

beforeAll(async () => {
  db = await createTestDatabase();
  admin = await connect({ servers: natsUrl });
});
afterAll(async () => {
  await admin?.close();
  await db?.drop();
});

/** A header block sent as given, bytes and all, as a producer outside eddy may. */
class RawHeaderBlock extends EncodedHeaders {
  readonly #bytes: Uint8Array;
  constructor(bytes: Uint8Array) {
    super([]);
    this.#bytes = bytes;
  }
  override encode(): Uint8Array {
    return this.#bytes;
  }
}

const block = (...lines: (string | Uint8Array)[]): Uint8Array =>
  Buffer.concat([
    encoder.encode('NATS/1.0\r\n'),
    ...lines.flatMap((l) => [typeof l === 'string' ? encoder.encode(l) : l, encoder.encode('\r\n')]),
    encoder.encode('\r\n'),
  ]);

const payload = encoder.encode(JSON.stringify({ op: 'add', n: 100 }));
const keyCase = (name: string, reason: RegExp): PoisonCase => ({
  name,
  payload,
  expect: { outcome: 'dead-letter', phase: 'key', reason },
});
const noKey = keyCase('no key header (a producer outside eddy)', /has no Eddy-Key header/);
const notUtf8 = keyCase('a key header that is not UTF-8', /not valid UTF-8/);
const longKey = keyCase('a 3 KB key header', /over the limit of 1024/);
const nulKey = keyCase('a key header holding NUL', /NUL/);
const encodedNul = keyCase('a percent-encoded key decoding to NUL', /NUL/);
const headerBlocks = new Map<PoisonCase, Uint8Array>([
  [noKey, block('trace: t-1')],
  [notUtf8, block(Buffer.concat([encoder.encode('Eddy-Key: k'), new Uint8Array([0xff, 0xfe])]))],
  [longKey, block(`Eddy-Key: ${'\u4e00'.repeat(1_000)}`)],
  [nulKey, block('Eddy-Key: a\u0000b')],
  [encodedNul, block('Eddy-Key: a%00b', 'Eddy-Key-Encoding: uri')],
]);

/** Raw publishes to the partition subject, with a header block eddy's own appends never write. */
const foreign: ForeignRecords = {
  cases: [...headerBlocks.keys()],
  async publish(input, c, key) {
    const partition = partitionOf(key, 2);
    const reply = await admin.request(partitionSubject(input, partition), c.payload, {
      headers: new RawHeaderBlock(headerBlocks.get(c) ?? block()),
      timeout: 5_000,
    });
    const ack = reply.json<{ seq: number }>();
    return { partition, seq: ack.seq };
  },
};

const jetstream = async () => {
  const log = await JetStreamLog.connect({ servers: natsUrl }, { storage: 'memory' });
  return {
    log,
    // The run's streams (input, output, dead letters) go with it: the server is shared.
    close: async () => {
      await log.close();
      const jsm = await jetstreamManager(admin);
      for await (const name of jsm.streams.names()) {
        if (name.startsWith(streamName('poison-'))) await jsm.streams.delete(name).catch(() => {});
      }
    },
  };
};

poisonConformance('JetStream × MemoryStore', {
  log: jetstream,
  foreign,
  store: async () => {
    const store = new MemoryStore();
    return { store, close: () => store.close() };
  },
});

poisonConformance('JetStream × PgliteStore', {
  log: jetstream,
  foreign,
  store: async () => {
    const store = new PgliteStore();
    return { store, close: () => store.close() };
  },
});

poisonConformance('JetStream × PgStore', {
  log: jetstream,
  foreign,
  store: async () => {
    const store = new PgStore({ url: db.url, maxConnections: 4 });
    return { store, close: () => store.close() };
  },
});
