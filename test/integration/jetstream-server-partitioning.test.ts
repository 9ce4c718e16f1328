import { jetstream } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamLog, SubjectTransformUnsupportedError } from '../../connectors/jetstream/index.ts';
import {
  mappingsConfig,
  partitionTransform,
  supportsSubjectTransforms,
} from '../../connectors/jetstream/server-partitioning.ts';
import type { Envelope } from '../../core/envelope.ts';
import { TopicNotFoundError } from '../../core/log/index.ts';
import { partitionOf } from '../../core/log/partition-of.ts';
import { NatsServer } from '../services/index.ts';

/**
 * Producers that do not run eddy publish to `<subject>.in.<key>`; nats-server
 * 2.9 maps that subject to `<subject>.<partition>` through a `mappings` block
 * with `{{partition(N,1)}}`. The server's partition() must equal eddy's
 * partitionOf, or the keys such producers send would land where eddy's own
 * sink (and its per-key state) does not expect them.
 */
const TOPICS = [
  { subject: 'ext.orders', partitions: 4 },
  { subject: 'ext.clicks', partitions: 7 },
] as const;

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Single subject tokens: ASCII of many shapes plus multi-byte UTF-8, so the hash input is the raw bytes. */
function keys(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 150; i++) out.push(`user-${i}`, `K${(i * 7919).toString(36)}`);
  out.push('a', 'Z', '0', '-', '_', 'café', 'müller', '日本', 'ключ', '🦊');
  return out;
}

let server: NatsServer;
let log: JetStreamLog;
let producer: NatsConnection;

beforeAll(async () => {
  server = new NatsServer({ config: mappingsConfig(TOPICS) });
  await server.start();
  log = await JetStreamLog.connect({ servers: server.url }, { storage: 'memory' });
  producer = await connect({ servers: server.url });
  for (const topic of TOPICS) await log.ensureTopic(topic);
});

afterAll(async () => {
  await producer?.close();
  await log?.close();
  await server?.dispose();
});

async function readTopic(subject: string, partitions: number): Promise<Envelope<Uint8Array>[]> {
  const out: Envelope<Uint8Array>[] = [];
  for (let p = 0; p < partitions; p++) for await (const e of log.read(subject, p, 1)) out.push(e);
  return out;
}

describe('server-side partitioning with a mappings block (nats-server 2.9)', () => {
  for (const { subject, partitions } of TOPICS) {
    it(`puts each key of a plain NATS publish where partitionOf puts it (${partitions} partitions)`, async () => {
      const all = keys();
      for (const key of all) {
        const h = headers();
        h.set('Eddy-Key', key);
        producer.publish(`${subject}.in.${key}`, bytes(`v-${key}`), { headers: h });
      }
      await producer.flush();
      let stored: Envelope<Uint8Array>[] = [];
      const deadline = Date.now() + 10_000;
      while (stored.length < all.length && Date.now() < deadline) {
        stored = await readTopic(subject, partitions);
      }
      expect(stored.map((e) => e.key).sort()).toEqual([...all].sort());
      const misplaced = stored.filter((e) => e.partition !== partitionOf(e.key, partitions));
      expect(
        misplaced.map((e) => `${e.key}: server ${e.partition}, eddy ${partitionOf(e.key, partitions)}`),
      ).toEqual([]);
      // Every partition is used, so the check above compared real choices.
      expect(new Set(stored.map((e) => e.partition)).size).toBe(partitions);
      expect(stored.every((e) => text(e.payload) === `v-${e.key}`)).toBe(true);
    });
  }

  it('a JetStream publish through the mapping gets its PubAck and is deduplicated by Nats-Msg-Id', async () => {
    const { subject, partitions } = TOPICS[0];
    const js = jetstream(producer);
    const h = headers();
    h.set('Eddy-Key', 'dedup-key');
    const first = await js.publish(`${subject}.in.dedup-key`, bytes('once'), { headers: h, msgID: 'ext-1' });
    const again = await js.publish(`${subject}.in.dedup-key`, bytes('once'), { headers: h, msgID: 'ext-1' });
    expect(again).toMatchObject({ seq: first.seq, duplicate: true });
    const p = partitionOf('dedup-key', partitions);
    const seen = [];
    for await (const e of log.read(subject, p, first.seq)) if (e.key === 'dedup-key') seen.push(e);
    expect(seen.map((e) => [e.seq, e.id, e.partition])).toEqual([[first.seq, 'ext-1', p]]);
  });

  it('refuses a stream subject transform on this server, naming the mappings alternative', async () => {
    const ask = log.ensureTopic({ subject: 'ext.transformed', partitions: 3, serverPartitioning: true });
    await expect(ask).rejects.toBeInstanceOf(SubjectTransformUnsupportedError);
    const version = producer.info?.version ?? '';
    expect(version).toMatch(/^2\.9\./);
    await expect(ask).rejects.toThrow(`nats-server 2.10 added, but the server runs ${version}`);
    await expect(ask).rejects.toThrow(
      `mappings = {\n  "ext.transformed.in.*": "ext.transformed.{{partition(3,1)}}"\n}`,
    );
    // Nothing was created half-way.
    await expect(log.partitions('ext.transformed')).rejects.toBeInstanceOf(TopicNotFoundError);
  });

  it('uses a stream subject transform only from nats-server 2.10, with the same rewrite as the mapping', () => {
    expect(['2.8.4', '2.9.10', '2.9.99'].map(supportsSubjectTransforms)).toEqual([false, false, false]);
    expect(['2.10.0', '2.10.24', '2.11.3', '3.0.0'].map(supportsSubjectTransforms)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(partitionTransform('orders', 4)).toEqual({
      src: 'orders.in.*',
      dest: 'orders.{{partition(4,1)}}',
    });
    expect(mappingsConfig([{ subject: 'orders', partitions: 4 }])).toBe(
      'mappings = {\n  "orders.in.*": "orders.{{partition(4,1)}}"\n}',
    );
  });
});
