import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JetStreamLog } from '../../connectors/jetstream/jetstream-log.ts';
import type { Delivery } from '../../core/log/log.ts';
import { NatsServer } from '../services/index.ts';

// Found by the chaos run: a NATS restart while a pull batch is on its way loses
// the rest of the batch in transit. The server counts it delivered and would
// redeliver it only after the ack wait, behind newer records, which a stage
// would apply first and then skip the old ones as applied: lost inputs.
const FROM = 1_001;
const ACK_WAIT_MS = 120_000;

let nats: NatsServer;
beforeAll(async () => {
  nats = await new NatsServer().start();
});
afterAll(() => nats?.dispose());

describe('a durable JetStream consumer across a NATS restart mid-batch', () => {
  // Pulls fetch up to 1 000 records. Restarted after the first delivery, the rest of the
  // batch is in flight; after 1 500 a later batch is; with 800 records the batch in flight
  // is the last, so no later delivery can reveal the loss (only the dropped connection can).
  it.each([
    { records: 3_000, restartAfter: 1 },
    { records: 3_000, restartAfter: 1_500 },
    { records: 800, restartAfter: 1 },
  ])(
    'hands out every one of $records records in order, none skipped, restarted after $restartAfter',
    async ({ records, restartAfter }) => {
      const log = await JetStreamLog.connect({
        servers: nats.url,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 100,
      });
      const subject = `restart-${records}-${restartAfter}`;
      try {
        await log.ensureTopic({ subject, partitions: 1 });
        const payload = new Uint8Array(2_000).fill(42);
        await Promise.all(
          Array.from({ length: FROM - 1 + records }, (_, i) =>
            log.append(subject, { key: 'k', payload, msgId: `${subject}-${i}`, partition: 0 }),
          ),
        );
        const consumer = log.consume(subject, 0, {
          durable: 'survivor',
          fromSeq: FROM,
          ackWaitMs: ACK_WAIT_MS,
          maxAckPending: 2_000,
        });
        const firstSeen: number[] = [];
        const seen = new Set<number>();
        let restart: Promise<unknown> | undefined;
        let unacked: Delivery[] = [];
        const deadline = setTimeout(() => void consumer.close(), 30_000);
        for await (const delivery of consumer) {
          const { seq } = delivery.envelope;
          if (!seen.has(seq)) firstSeen.push(seq);
          seen.add(seq);
          unacked.push(delivery);
          // Acks in batches, as a stage acknowledges after each commit.
          if (unacked.length >= 100) {
            const batch = unacked;
            unacked = [];
            void Promise.all(batch.map((d) => d.ack())).catch(() => {});
          }
          if (seen.size === restartAfter) restart = nats.restart('SIGTERM');
          if (seen.size === records) break;
        }
        clearTimeout(deadline);
        await restart;
        await consumer.close();
        // Every record, each first seen in log order, long before the ack wait would redeliver anything.
        expect(firstSeen).toEqual(Array.from({ length: records }, (_, i) => FROM + i));
      } finally {
        await log.close();
      }
    },
    60_000,
  );
});
