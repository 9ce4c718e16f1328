import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  AckFailedError,
  ConsumerConnectionClosedError,
  consumerName,
  JetStreamConnectError,
  JetStreamLog,
  type JetStreamLogOptions,
  redactServers,
  streamName,
  TopicConfigConflictError,
} from '../../connectors/jetstream/index.ts';
import { RequestBatcher } from '../../connectors/jetstream/request-batcher.ts';
import { InvalidRecordError, PayloadTooLargeError } from '../../core/errors/record-refused-error.ts';
import {
  PartitionCountMismatchError,
  PartitionOutOfRangeError,
  TopicNotFoundError,
} from '../../core/log/index.ts';
import type { Delivery, Log } from '../../core/log/log.ts';

const natsUrl = inject('natsUrl');
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

interface Warning {
  readonly obj: object;
  readonly msg: string | undefined;
}

let nc: NatsConnection;
let jsm: JetStreamManager;
const subjects: string[] = [];
const logs: JetStreamLog[] = [];

function uniqueSubject(prefix: string): string {
  const subject = `${prefix}.${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  subjects.push(subject);
  return subject;
}

async function openLog(options: JetStreamLogOptions = {}, servers: string = natsUrl): Promise<JetStreamLog> {
  const log = await JetStreamLog.connect(
    { servers, reconnectTimeWait: 100 },
    { storage: 'memory', recoveryDelayMs: 100, ...options },
  );
  logs.push(log);
  return log;
}

function recorder(): { warnings: Warning[]; logger: { warn(obj: object, msg?: string): void } } {
  const warnings: Warning[] = [];
  return { warnings, logger: { warn: (obj, msg) => warnings.push({ obj, msg }) } };
}

/** Pulls deliveries from an iterator until `n` arrived. */
async function take(iterator: AsyncIterator<Delivery>, n: number): Promise<Delivery[]> {
  const out: Delivery[] = [];
  while (out.length < n) {
    const next = await iterator.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

async function readAll(log: Log, subject: string, partition: number, fromSeq = 1): Promise<number[]> {
  const seqs: number[] = [];
  for await (const e of log.read(subject, partition, fromSeq)) seqs.push(e.seq);
  return seqs;
}

beforeAll(async () => {
  nc = await connect({ servers: natsUrl });
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await Promise.all(logs.map((l) => l.close()));
  for (const subject of subjects) await jsm.streams.delete(streamName(subject)).catch(() => {});
  await nc.close();
});

describe('names', () => {
  it('escapes subjects into distinct, valid stream names', () => {
    expect(streamName('orders')).toBe('orders');
    expect(streamName('orders.v1')).toBe('orders_v1');
    expect(streamName('orders_v1')).not.toBe(streamName('orders.v1'));
    expect(streamName('a-b')).not.toMatch(/[.*> /\\]/);
    expect(consumerName('billing.eu', 3)).toBe('billing_eu_3');
    expect(consumerName('a', 12)).not.toBe(consumerName('a_1', 2));
  });
});

describe('topics', () => {
  it('records the partition count so another connection reads it back', async () => {
    const subject = uniqueSubject('jsl.topic');
    const a = await openLog();
    await a.ensureTopic({ subject, partitions: 3 });
    const b = await openLog();
    expect(await b.partitions(subject)).toBe(3);
    await expect(b.ensureTopic({ subject, partitions: 4 })).rejects.toBeInstanceOf(
      PartitionCountMismatchError,
    );
    const info = await jsm.streams.info(streamName(subject));
    expect(info.config.subjects).toEqual([`${subject}.*`]);
  });

  it('applies stream settings idempotently and updates what may change', async () => {
    const subject = uniqueSubject('jsl.cfg');
    const log = await openLog({ maxAgeMs: 3_600_000 });
    await log.ensureTopic({ subject, partitions: 2, duplicateWindowMs: 60_000 });
    const created = await jsm.streams.info(streamName(subject));
    await log.ensureTopic({ subject, partitions: 2, duplicateWindowMs: 60_000 });
    const again = await jsm.streams.info(streamName(subject));
    expect(again.created).toBe(created.created);
    expect(again.config.duplicate_window).toBe(60_000 * 1_000_000);
    expect(again.config.max_age).toBe(3_600_000 * 1_000_000);

    await log.ensureTopic({ subject, partitions: 2, duplicateWindowMs: 30_000 });
    const updated = await jsm.streams.info(streamName(subject));
    expect(updated.config.duplicate_window).toBe(30_000 * 1_000_000);
    expect(updated.created).toBe(created.created);

    const interest = await openLog({ retention: 'interest' });
    await expect(interest.ensureTopic({ subject, partitions: 2 })).rejects.toBeInstanceOf(
      TopicConfigConflictError,
    );
  });

  it('refuses a stream eddy did not create and unknown topics', async () => {
    const subject = uniqueSubject('jsl.foreign');
    await jsm.streams.add({ name: streamName(subject), subjects: [`${subject}.*`], storage: 'memory' });
    const log = await openLog();
    await expect(log.partitions(subject)).rejects.toBeInstanceOf(TopicConfigConflictError);
    await expect(log.ensureTopic({ subject, partitions: 1 })).rejects.toBeInstanceOf(
      TopicConfigConflictError,
    );
    await expect(log.partitions(uniqueSubject('jsl.none'))).rejects.toBeInstanceOf(TopicNotFoundError);
  });
});

describe('append and read', () => {
  it('stores key, event time, headers and msg id, and deduplicates by msg id', async () => {
    const subject = uniqueSubject('jsl.append');
    const log = await openLog();
    await log.ensureTopic({ subject, partitions: 2 });
    const first = await log.append(subject, {
      key: ' odd\nkey ',
      payload: bytes('one'),
      msgId: 'm-1',
      headers: { trace: 'abc' },
      eventTime: 1_700_000_000_000,
      partition: 1,
    });
    const again = await log.append(subject, {
      key: ' odd\nkey ',
      payload: bytes('two'),
      msgId: 'm-1',
      partition: 1,
    });
    expect(again).toEqual({ partition: 1, seq: first.seq, duplicate: true });
    const envelopes = [];
    for await (const e of log.read(subject, 1, 1)) envelopes.push(e);
    expect(envelopes).toHaveLength(1);
    expect(envelopes[0]).toMatchObject({
      subject,
      key: ' odd\nkey ',
      seq: first.seq,
      id: 'm-1',
      eventTime: 1_700_000_000_000,
      headers: { trace: 'abc' },
      partition: 1,
    });
    expect(text(envelopes[0]?.payload ?? new Uint8Array())).toBe('one');
    await expect(
      log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm-2', headers: { 'Eddy-Key': 'x' } }),
    ).rejects.toBeInstanceOf(InvalidRecordError);
    await expect(
      log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm-3', partition: 2 }),
    ).rejects.toBeInstanceOf(PartitionOutOfRangeError);
  });

  it("refuses a record over the server's max_payload, naming it, and stays open", async () => {
    const subject = uniqueSubject('jsl.big');
    const log = await openLog();
    await log.ensureTopic({ subject, partitions: 1 });
    const big = { key: 'k', payload: new Uint8Array(5 << 20), msgId: 'big-1' };
    const error = await log.append(subject, big).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(String(error)).toMatch(/over the NATS server's max_payload of 1048576 bytes/);
    expect(() => log.check(subject, { key: 'k', payloadBytes: big.payload.length, msgId: 'big-1' })).toThrow(
      PayloadTooLargeError,
    );
    // A record just under the limit, headers included, goes through; the log is still open.
    const room = 1_048_576 - 200;
    expect(
      await log.append(subject, { key: 'k', payload: new Uint8Array(room), msgId: 'fits' }),
    ).toMatchObject({ duplicate: false });
    const stored = [];
    for await (const e of log.read(subject, 0, 1)) stored.push(e.payload.length);
    expect(stored).toEqual([room]);
    // check measures the headers append encodes: the same verdict on either side of the limit.
    // Here the headers take 84 bytes (key, event time, a 12-character msg id).
    const verdicts: [string, string][] = [];
    for (const edge of [1_048_576 - 85, 1_048_576 - 84, 1_048_576 - 83]) {
      const outline = { key: 'k', payloadBytes: edge, msgId: `edge-${edge}`, eventTime: 1_700_000_000_000 };
      let checked = 'taken';
      try {
        log.check(subject, outline);
      } catch {
        checked = 'refused';
      }
      const appended = await log.append(subject, { ...outline, payload: new Uint8Array(edge) }).then(
        () => 'taken',
        () => 'refused',
      );
      verdicts.push([checked, appended]);
    }
    expect(verdicts).toEqual([
      ['taken', 'taken'],
      ['taken', 'taken'],
      ['refused', 'refused'],
    ]);
  });

  it('reports a publish the client refuses as refused, not as a closed log', async () => {
    const nc = await connect({ servers: natsUrl });
    try {
      const requests = new RequestBatcher(nc, '_INBOX');
      const outcome = await requests.request('anything', new Uint8Array(2 << 20), 1_000);
      expect(outcome.kind).toBe('refused');
      requests.close();
    } finally {
      await nc.close();
    }
  });

  it('reads up to the end at the time of the call while appends continue', async () => {
    const subject = uniqueSubject('jsl.read');
    const log = await openLog();
    await log.ensureTopic({ subject, partitions: 1 });
    for (let i = 0; i < 5; i++)
      await log.append(subject, { key: 'k', payload: bytes(`${i}`), msgId: `r-${i}` });
    const seen: number[] = [];
    for await (const e of log.read(subject, 0, 2)) {
      seen.push(e.seq);
      await log.append(subject, { key: 'k', payload: bytes('more'), msgId: `more-${e.seq}` });
    }
    expect(seen).toEqual([2, 3, 4, 5]);
    expect(await readAll(log, subject, 0, 100)).toEqual([]);
  });

  it('retries a publish that timed out with the same msg id, which the stream deduplicates', async () => {
    const server = await startPrivateServer();
    try {
      const subject = uniqueSubject('jsl.retry');
      const log = await openLog({ publishTimeoutMs: 300, publishAttempts: 20 }, server.url);
      await log.ensureTopic({ subject, partitions: 1 });
      await log.append(subject, { key: 'k', payload: bytes('before'), msgId: 'p-1' });
      await server.freeze();
      const pending = log.append(subject, { key: 'k', payload: bytes('during'), msgId: 'p-2' });
      await sleep(800); // at least one attempt times out while the server is frozen
      server.thaw();
      // The first attempt was stored once the server resumed; the retry that answered saw its msg id.
      expect(await pending).toEqual({ partition: 0, seq: 2, duplicate: true });
      expect(await readAll(log, subject, 0)).toEqual([1, 2]);
      await log.close();
    } finally {
      await server.stop();
    }
  });
});

describe('consume', () => {
  it('delivers from fromSeq, and ack resolves once JetStream recorded it', async () => {
    const subject = uniqueSubject('jsl.consume');
    const log = await openLog();
    await log.ensureTopic({ subject, partitions: 1 });
    for (let i = 0; i < 6; i++)
      await log.append(subject, { key: `k${i}`, payload: bytes(`${i}`), msgId: `c-${i}` });
    const consumer = log.consume(subject, 0, { durable: 'billing', fromSeq: 3 });
    const got = await take(consumer[Symbol.asyncIterator](), 4);
    expect(got.map((d) => [d.envelope.seq, d.envelope.key, d.deliveryCount])).toEqual([
      [3, 'k2', 1],
      [4, 'k3', 1],
      [5, 'k4', 1],
      [6, 'k5', 1],
    ]);
    for (const d of got) await d.ack();
    await got[0]?.ack(); // idempotent
    const info = await jsm.consumers.info(streamName(subject), consumerName('billing', 0));
    expect(info.ack_floor.stream_seq).toBe(6);
    expect(info.num_ack_pending).toBe(0);
    await consumer.close();
  });

  it('re-creates a consumer deleted from outside at the first unacknowledged sequence', async () => {
    const subject = uniqueSubject('jsl.recover');
    const { warnings, logger } = recorder();
    const log = await openLog({ logger });
    await log.ensureTopic({ subject, partitions: 1 });
    for (let i = 1; i <= 5; i++)
      await log.append(subject, { key: 'k', payload: bytes(`${i}`), msgId: `d-${i}` });
    const consumer = log.consume(subject, 0, { durable: 'ops', fromSeq: 1, maxAckPending: 2 });
    const iterator = consumer[Symbol.asyncIterator]();
    const [one, two] = await take(iterator, 2);
    await one?.ack(); // 2 stays unacknowledged
    await jsm.consumers.delete(streamName(subject), consumerName('ops', 0));
    await expect(two?.ack()).rejects.toBeInstanceOf(AckFailedError);
    const after: number[] = [];
    for (const d of await take(iterator, 2)) {
      after.push(d.envelope.seq);
      await d.ack();
    }
    for (const d of await take(iterator, 2)) after.push(d.envelope.seq);
    expect(after).toEqual([2, 3, 4, 5]);
    expect(warnings.map((w) => w.msg)).toContain(
      'JetStream consumer re-created at the first unacknowledged sequence',
    );
    expect(warnings.find((w) => 'seq' in w.obj)?.obj).toMatchObject({ seq: 2 });
    await consumer.close();
  });

  it('a second consume with the same durable name, from another connection, takes over', async () => {
    const subject = uniqueSubject('jsl.takeover');
    const a = await openLog();
    const b = await openLog();
    await a.ensureTopic({ subject, partitions: 1 });
    for (let i = 1; i <= 4; i++)
      await a.append(subject, { key: 'k', payload: bytes(`${i}`), msgId: `t-${i}` });
    const first = a.consume(subject, 0, { durable: 'stage', fromSeq: 1 });
    const firstIterator = first[Symbol.asyncIterator]();
    const early = await take(firstIterator, 4);
    expect(early.map((d) => d.envelope.seq)).toEqual([1, 2, 3, 4]);
    const second = b.consume(subject, 0, { durable: 'stage', fromSeq: 3 });
    const secondIterator = second[Symbol.asyncIterator]();
    expect((await take(secondIterator, 2)).map((d) => d.envelope.seq)).toEqual([3, 4]);
    // The first consumer notices the takeover and ends instead of competing.
    expect(await firstIterator.next()).toEqual({ value: undefined, done: true });
    await a.append(subject, { key: 'k', payload: bytes('5'), msgId: 't-5' });
    expect((await take(secondIterator, 1)).map((d) => d.envelope.seq)).toEqual([5]);
    await second.close();
  });

  it('keeps delivering across a NATS server restart, and says so without credentials', async () => {
    const server = await startPrivateServer();
    try {
      const subject = uniqueSubject('jsl.restart');
      const { warnings, logger } = recorder();
      const withCredentials = server.url.replace('nats://', 'nats://app:s3cret-pw@');
      const log = await openLog({ storage: 'file', publishTimeoutMs: 1_000, logger }, withCredentials);
      await log.ensureTopic({ subject, partitions: 1 });
      await log.append(subject, { key: 'k', payload: bytes('1'), msgId: 's-1' });
      const consumer = log.consume(subject, 0, { durable: 'survivor', fromSeq: 1 });
      const iterator = consumer[Symbol.asyncIterator]();
      const [one] = await take(iterator, 1);
      await one?.ack();
      await server.restart();
      await log.append(subject, { key: 'k', payload: bytes('2'), msgId: 's-2' });
      const [two] = await take(iterator, 1);
      expect(two?.envelope.seq).toBe(2);
      await two?.ack();
      expect(warnings.map((w) => w.msg)).toContain('NATS connection lost; reconnecting');
      expect(JSON.stringify(warnings)).not.toContain('s3cret-pw');
      await consumer.close();
      await log.close();
    } finally {
      await server.stop();
    }
  });
});

describe('connect', () => {
  it('redacts user info from server URLs', () => {
    expect(
      redactServers([
        'nats://app:s3cret@10.0.0.1:4222',
        'tls://token@nats.example:4443',
        'nats://plain:4222',
      ]),
    ).toBe('nats://***@10.0.0.1:4222, tls://***@nats.example:4443, nats://plain:4222');
  });

  it('a consumer whose connection its owner closed fails with ConsumerConnectionClosedError', async () => {
    const subject = uniqueSubject('jsl.ncclose');
    const own = await connect({ servers: natsUrl });
    const log = new JetStreamLog(own, { storage: 'memory', recoveryDelayMs: 50 });
    await log.ensureTopic({ subject, partitions: 1 });
    await log.append(subject, { key: 'k', payload: bytes('1'), msgId: 'n-1' });
    const iterator = log.consume(subject, 0, { durable: 'orphan', fromSeq: 1 })[Symbol.asyncIterator]();
    await take(iterator, 1);
    await own.close();
    await expect(iterator.next()).rejects.toBeInstanceOf(ConsumerConnectionClosedError);
    await log.close();
  });

  it('never puts credentials from the server URL into its errors', async () => {
    const port = await freePort();
    const error = await JetStreamLog.connect({
      servers: `nats://app:s3cret-pw@127.0.0.1:${port}`,
      maxReconnectAttempts: 0,
      timeout: 1_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JetStreamConnectError);
    expect(String((error as Error).message)).not.toContain('s3cret-pw');
    expect(String((error as Error).message)).toContain(`127.0.0.1:${port}`);
  });
});

interface PrivateServer {
  readonly url: string;
  /** SIGSTOP, then waits until the kernel reports every thread stopped (a signal is not instant). */
  freeze(): Promise<void>;
  thaw(): void;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A nats-server of this test alone, for faults (freeze, restart) that would
 * disturb the shared server. test/services' NatsServer restarts but cannot
 * send SIGSTOP/SIGCONT, hence this small twin.
 */
async function startPrivateServer(): Promise<PrivateServer> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'eddy-jsl-'));
  const url = `nats://127.0.0.1:${port}`;
  const launch = async (): Promise<ChildProcess> => {
    const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      const probe = await connect({ servers: url, maxReconnectAttempts: 0 }).catch(() => undefined);
      if (probe) {
        await probe.close();
        return child;
      }
      await sleep(50);
    }
    child.kill('SIGKILL');
    throw new Error(`nats-server did not start on ${url}`);
  };
  const stopChild = (child: ChildProcess): Promise<void> =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGCONT');
      child.kill('SIGTERM');
    });
  let child = await launch();
  return {
    url,
    async freeze() {
      const pid = child.pid;
      if (pid === undefined) throw new Error('nats-server has no pid');
      child.kill('SIGSTOP');
      for (let i = 0; i < 200; i++) {
        const tasks = await readdir(`/proc/${pid}/task`);
        const states = await Promise.all(
          tasks.map(async (t) => (await readFile(`/proc/${pid}/task/${t}/stat`, 'utf8')).split(') ')[1]?.[0]),
        );
        if (states.every((state) => state === 'T')) return;
        await sleep(5);
      }
      throw new Error('nats-server did not stop on SIGSTOP');
    },
    thaw() {
      child.kill('SIGCONT');
    },
    async restart() {
      await stopChild(child);
      child = await launch();
    },
    async stop() {
      await stopChild(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
