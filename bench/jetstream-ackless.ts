// `node bench/jetstream-ackless.ts`: how fast one partition is consumed by a
// durable consumer with explicit (double) acks against an ordered consumer
// with `acks: 'none'`, each record acknowledged as it arrives, the same
// maxAckPending. One JSON line per case and a ratio line. BENCH_EVENTS sets
// the record count (default 100 000); NATS_URL uses a running server.

import type { AckMode } from 'eddy';
import { JetStreamLog } from 'eddy/connectors';
import { NatsServer } from '../test/services/nats-server.ts';

const events = Number(process.env.BENCH_EVENTS ?? 100_000);
const maxAckPending = Number(process.env.BENCH_MAX_IN_FLIGHT ?? 2_000);
const run = `backs${Date.now().toString(36)}`;

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'jetstream-ackless', node: process.version, ...line })}\n`);
}

const server = process.env.NATS_URL === undefined ? await new NatsServer().start() : undefined;
const servers = process.env.NATS_URL ?? server?.url ?? '';
try {
  const log = await JetStreamLog.connect(
    { servers },
    { storage: 'memory', pullBatch: Number(process.env.BENCH_PULL_BATCH ?? 1_000) },
  );
  const subject = `${run}.in`;
  await log.ensureTopic({ subject, partitions: 1 });
  const payload = new Uint8Array(128);
  for (let start = 0; start < events; start += 1_000) {
    const batch = Array.from({ length: Math.min(1_000, events - start) }, (_, i) => start + i);
    await Promise.all(
      batch.map((n) => log.append(subject, { key: `k${n % 1000}`, payload, msgId: `m${n}` })),
    );
  }
  const results = new Map<AckMode, number>();
  for (const acks of ['explicit', 'none'] as const) {
    const started = performance.now();
    const consumer = log.consume(subject, 0, { durable: `bench-${acks}`, fromSeq: 1, maxAckPending, acks });
    const pending: Promise<void>[] = [];
    let seen = 0;
    for await (const d of consumer) {
      pending.push(d.ack());
      if (++seen === events) break;
    }
    await Promise.all(pending);
    const seconds = (performance.now() - started) / 1000;
    await consumer.close();
    results.set(acks, events / seconds);
    print({
      case: `consume + ack, acks: '${acks}'`,
      events,
      maxAckPending,
      seconds: Number(seconds.toFixed(3)),
      eventsPerSec: Math.round(events / seconds),
    });
  }
  print({
    case: 'ratio none/explicit',
    ratio: Number(((results.get('none') ?? 0) / (results.get('explicit') ?? 1)).toFixed(2)),
  });
  await log.close();
} finally {
  await server?.dispose();
}
