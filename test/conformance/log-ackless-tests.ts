import { describe, expect, it } from 'vitest';
import { DeliveryCollector, sleep } from './delivery-collector.ts';
import { bytes, type LogSuite, QUIET_MS, text } from './log-suite.ts';

/**
 * Consumers with `acks: 'none'`: ordered from fromSeq, each record once and
 * never again, `ack()` settles without the log, and maxAckPending still bounds
 * what is handed out and not yet acknowledged.
 */
export function acklessTests(s: LogSuite): void {
  const { topic, appendAll, seedPartition, ackWaitMs, timeout } = s;
  describe("consume with acks: 'none'", () => {
    it('delivers in order from fromSeq, then later records, each once and never again', async () => {
      const subject = topic('ackless');
      await s.log.ensureTopic({ subject, partitions: 2 });
      const acks = await seedPartition(subject, 0, 1, 5);
      const fromSeq = (acks[1]?.seq ?? 0) + 1;
      const c = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'ordered', fromSeq, ackWaitMs, acks: 'none' }),
      );
      await c.waitFor(3);
      const later = await s.log.append(subject, {
        key: 'x',
        payload: bytes('r5'),
        msgId: `${subject}-r5`,
        partition: 0,
      });
      await s.log.append(subject, { key: 'x', payload: bytes('p1'), msgId: `${subject}-p1`, partition: 1 });
      await c.waitFor(4);
      // Nothing is acknowledged, yet nothing comes again after the ack wait.
      await sleep(ackWaitMs * 4 + QUIET_MS);
      expect(c.deliveries.map((d) => text(d.envelope.payload))).toEqual(['r2', 'r3', 'r4', 'r5']);
      expect(c.seqs()).toEqual([...acks.slice(2).map((a) => a.seq), later.seq]);
      expect(c.deliveries.every((d) => d.deliveryCount === 1 && d.envelope.partition === 0)).toBe(true);
      expect(c.ended).toBe(false);
      await c.consumer.close();
    });

    it('never has more than maxAckPending deliveries outstanding; each ack lets one more out', async () => {
      const subject = topic('ackless-backpressure');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const acks = await appendAll(
        subject,
        Array.from({ length: 10 }, (_, i) => ({ key: 'k', payload: bytes(`b${i}`), msgId: `b${i}` })),
      );
      const c = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'slow', fromSeq: 1, maxAckPending: 3, acks: 'none' }),
      );
      await c.waitFor(3);
      await sleep(QUIET_MS);
      expect(c.deliveries).toHaveLength(3);
      let acked = 0;
      while (acked < 10) {
        await c.deliveries[acked]?.ack();
        acked++;
        await c.waitFor(Math.min(acked + 3, 10));
        expect(c.deliveries.length - acked).toBeLessThanOrEqual(3);
      }
      expect(c.seqs()).toEqual(acks.map((a) => a.seq));
      await c.consumer.close();
    });

    it('ack is idempotent: acking one delivery twice frees one slot, not two', async () => {
      const subject = topic('ackless-twice');
      await s.log.ensureTopic({ subject, partitions: 1 });
      await appendAll(
        subject,
        [0, 1, 2, 3].map((i) => ({ key: 'k', payload: bytes(`t${i}`), msgId: `t${i}` })),
      );
      const c = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'twice', fromSeq: 1, maxAckPending: 2, acks: 'none' }),
      );
      await c.waitFor(2);
      await c.deliveries[0]?.ack();
      await c.deliveries[0]?.ack();
      await c.waitFor(3);
      await sleep(QUIET_MS);
      expect(c.deliveries).toHaveLength(3);
      await c.consumer.close();
    });

    it('ack settles without the log: it resolves even after the log closed', async () => {
      const subject = topic('ackless-offline');
      await s.log.ensureTopic({ subject, partitions: 1 });
      await s.log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm' });
      const c = new DeliveryCollector(s.log.consume(subject, 0, { durable: 'd', fromSeq: 1, acks: 'none' }));
      await c.waitFor(1);
      await s.log.close();
      await c.waitForEnd();
      const delivery = c.deliveries[0];
      delivery?.working();
      await expect(delivery?.ack()).resolves.toBeUndefined();
    });

    it('a second consume of the same name in the same log replaces the first', async () => {
      const subject = topic('ackless-replace');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const acks = await appendAll(
        subject,
        [0, 1, 2].map((i) => ({ key: 'k', payload: bytes(`p${i}`), msgId: `p${i}` })),
      );
      const seqs = acks.map((a) => a.seq);
      const first = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'owner', fromSeq: 1, acks: 'none' }),
      );
      await first.waitFor(3);
      const second = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'owner', fromSeq: seqs[1] ?? 1, acks: 'none' }),
      );
      await first.waitForEnd();
      expect(first.error).toBeUndefined();
      await second.waitFor(2);
      const later = await s.log.append(subject, { key: 'k', payload: bytes('p3'), msgId: 'p3' });
      await second.waitFor(3);
      await sleep(QUIET_MS);
      expect(second.seqs()).toEqual([...seqs.slice(1), later.seq]);
      expect(first.deliveries).toHaveLength(3);
      await second.consumer.close();
    });

    it('close() ends a pending iteration and stops delivery', async () => {
      const subject = topic('ackless-close');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const c = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'closer', fromSeq: 1, acks: 'none' }),
      );
      await sleep(100);
      await c.consumer.close();
      await c.waitForEnd();
      expect(c.error).toBeUndefined();
      await s.log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm' });
      await sleep(QUIET_MS);
      expect(c.deliveries).toEqual([]);
    });

    it('rejects an unknown ack mode', () => {
      const subject = topic('ackless-mode');
      const acks = 'sometimes' as unknown as 'none';
      expect(() => s.log.consume(subject, 0, { durable: 'd', fromSeq: 1, acks })).toThrow(RangeError);
    });

    it(
      'delivers many records complete and in order',
      async () => {
        const subject = topic('ackless-many');
        await s.log.ensureTopic({ subject, partitions: 1 });
        const total = 5_000;
        const idBySeq = new Map<number, string>();
        for (let start = 0; start < total; start += 250) {
          const batch = Array.from({ length: 250 }, (_, i) => `many-${start + i}`);
          const acks = await Promise.all(
            batch.map((msgId) => s.log.append(subject, { key: 'k', payload: bytes(msgId), msgId })),
          );
          for (const [i, ack] of acks.entries()) idBySeq.set(ack.seq, batch[i] ?? '');
        }
        const consumer = s.log.consume(subject, 0, {
          durable: 'bulk',
          fromSeq: 1,
          maxAckPending: 500,
          acks: 'none',
        });
        const seqs: number[] = [];
        for await (const d of consumer) {
          expect(d.envelope.id).toBe(idBySeq.get(d.envelope.seq));
          expect(text(d.envelope.payload)).toBe(d.envelope.id);
          seqs.push(d.envelope.seq);
          void d.ack();
          if (seqs.length === total) break;
        }
        await consumer.close();
        expect(seqs).toEqual([...idBySeq.keys()].sort((x, y) => x - y));
      },
      timeout * 2,
    );
  });
}
