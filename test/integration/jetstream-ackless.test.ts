import { randomUUID } from 'node:crypto';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AcklessConsumerRetentionError,
  consumerName,
  JetStreamLog,
  type JetStreamLogOptions,
  streamName,
} from '../../connectors/jetstream/index.ts';
import type { Delivery } from '../../core/log/log.ts';
import { NatsServer } from '../services/index.ts';

const natsUrl = inject('natsUrl');
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

let nc: NatsConnection;
let jsm: JetStreamManager;
const subjects: string[] = [];
const logs: JetStreamLog[] = [];

beforeAll(async () => {
  nc = await connect({ servers: natsUrl });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await Promise.all(logs.map((l) => l.close()));
  for (const subject of subjects) await jsm.streams.delete(streamName(subject)).catch(() => {});
  await nc.close();
});

function uniqueSubject(prefix: string): string {
  const subject = `${prefix}.${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  subjects.push(subject);
  return subject;
}

async function openLog(options: JetStreamLogOptions = {}, servers = natsUrl): Promise<JetStreamLog> {
  const log = await JetStreamLog.connect(
    { servers, reconnectTimeWait: 100 },
    { storage: 'memory', recoveryDelayMs: 100, ...options },
  );
  logs.push(log);
  return log;
}

async function take(iterator: AsyncIterator<Delivery>, n: number): Promise<Delivery[]> {
  const out: Delivery[] = [];
  while (out.length < n) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

/** The ephemeral consumers an ack-less consume created for (durable, partition). */
async function orderedConsumers(admin: JetStreamManager, subject: string, durable: string) {
  const prefix = `${consumerName(durable, 0)}_o`;
  const found = [];
  for await (const ci of admin.consumers.list(streamName(subject))) {
    if (ci.name.startsWith(prefix)) found.push(ci);
  }
  return found;
}

describe("JetStream consumers with acks: 'none'", () => {
  for (const retention of ['workqueue', 'interest'] as const) {
    it(`refuses a topic with ${retention} retention, saying what to do`, async () => {
      const subject = uniqueSubject(`jsa.${retention}`);
      const log = await openLog({ retention });
      await log.ensureTopic({ subject, partitions: 1 });
      await log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm' });
      const iterator = log
        .consume(subject, 0, { durable: 'd', fromSeq: 1, acks: 'none' })
        [Symbol.asyncIterator]();
      const failure = iterator.next();
      await expect(failure).rejects.toBeInstanceOf(AcklessConsumerRetentionError);
      await expect(failure).rejects.toThrow(`has ${retention} retention`);
      await expect(failure).rejects.toThrow("consume it with acks: 'explicit'");
      expect(await orderedConsumers(jsm, subject, 'd')).toEqual([]);
    });
  }

  it('is an ordered consumer without acks that the server never lets run past maxAckPending', async () => {
    const subject = uniqueSubject('jsa.bound');
    const log = await openLog();
    await log.ensureTopic({ subject, partitions: 1 });
    for (let i = 1; i <= 40; i++)
      await log.append(subject, { key: 'k', payload: bytes(`${i}`), msgId: `b-${i}` });
    const consumer = log.consume(subject, 0, {
      durable: 'bound',
      fromSeq: 1,
      maxAckPending: 5,
      acks: 'none',
    });
    const iterator = consumer[Symbol.asyncIterator]();
    const first = await take(iterator, 5);
    const [info] = await orderedConsumers(jsm, subject, 'bound');
    expect(info?.config).toMatchObject({ ack_policy: 'none', mem_storage: true });
    // The server sent only what was pulled: no more than the 5 handed out sit in the client.
    expect(info?.delivered.stream_seq).toBe(5);
    for (const d of first) await d.ack();
    const next = await take(iterator, 5);
    expect(next.map((d) => d.envelope.seq)).toEqual([6, 7, 8, 9, 10]);
    const [after] = await orderedConsumers(jsm, subject, 'bound');
    expect(after?.delivered.stream_seq).toBe(10);
    await consumer.close();
    // Closing deletes the ephemeral consumer rather than leaving it to expire.
    expect(await orderedConsumers(jsm, subject, 'bound')).toEqual([]);
  });

  it('re-creates its consumer at the next sequence when it is deleted from outside', async () => {
    const subject = uniqueSubject('jsa.deleted');
    const warnings: string[] = [];
    const log = await openLog({ logger: { warn: (_obj, msg) => warnings.push(msg ?? '') } });
    await log.ensureTopic({ subject, partitions: 1 });
    for (let i = 1; i <= 6; i++)
      await log.append(subject, { key: 'k', payload: bytes(`${i}`), msgId: `d-${i}` });
    const consumer = log.consume(subject, 0, { durable: 'ops', fromSeq: 2, maxAckPending: 2, acks: 'none' });
    const iterator = consumer[Symbol.asyncIterator]();
    const first = await take(iterator, 2);
    for (const d of first) await d.ack();
    const seen = first.map((d) => d.envelope.seq);
    const [info] = await orderedConsumers(jsm, subject, 'ops');
    await jsm.consumers.delete(streamName(subject), info?.name ?? '');
    // maxAckPending is 2: each delivery is acknowledged before the next is awaited.
    for (let i = 0; i < 3; i++) {
      const [d] = await take(iterator, 1);
      seen.push(d?.envelope.seq ?? 0);
      await d?.ack();
    }
    await log.append(subject, { key: 'k', payload: bytes('7'), msgId: 'd-7' });
    seen.push(...(await take(iterator, 1)).map((d) => d.envelope.seq));
    expect(seen).toEqual([2, 3, 4, 5, 6, 7]);
    expect(warnings).toContain('JetStream ordered consumer failed; re-creating it at the next sequence');
    await consumer.close();
  });

  it('keeps delivering, without gaps or repeats, across a NATS server restart', async () => {
    const server = new NatsServer();
    await server.start();
    try {
      const subject = uniqueSubject('jsa.restart');
      const warnings: string[] = [];
      const logger = { warn: (_obj: object, msg?: string) => warnings.push(msg ?? '') };
      const log = await openLog({ storage: 'file', publishTimeoutMs: 1_000, logger }, server.url);
      await log.ensureTopic({ subject, partitions: 1 });
      await log.append(subject, { key: 'k', payload: bytes('1'), msgId: 'r-1' });
      await log.append(subject, { key: 'k', payload: bytes('2'), msgId: 'r-2' });
      const consumer = log.consume(subject, 0, { durable: 'survivor', fromSeq: 1, acks: 'none' });
      const iterator = consumer[Symbol.asyncIterator]();
      const before = await take(iterator, 2);
      for (const d of before) await d.ack();
      // The ordered consumer lived in the server's memory: the restart loses it.
      await server.restart();
      await log.append(subject, { key: 'k', payload: bytes('3'), msgId: 'r-3' });
      await log.append(subject, { key: 'k', payload: bytes('4'), msgId: 'r-4' });
      const after = await take(iterator, 2);
      expect([...before, ...after].map((d) => d.envelope.seq)).toEqual([1, 2, 3, 4]);
      expect(warnings).toContain('JetStream ordered consumer failed; re-creating it at the next sequence');
      await consumer.close();
      await log.close();
    } finally {
      await server.dispose();
    }
  }, 60_000);
});
