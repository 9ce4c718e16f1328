import { describe, expect, it } from 'vitest';
import { DeliveryCollector, sleep } from './delivery-collector.ts';
import { bytes, type LogSuite, QUIET_MS, text } from './log-suite.ts';

/** Durable consumers: order, waiting for appends, durable names and replacement, close, volume. */
export function consumeTests(s: LogSuite): void {
  const { topic, appendAll, seedPartition, timeout } = s;
  describe('consume', () => {
    it('delivers in order from fromSeq, then records appended later', async () => {
      const subject = topic('consume');
      await s.log.ensureTopic({ subject, partitions: 2 });
      const acks = await seedPartition(subject, 0, 1, 5);
      const fromSeq = (acks[1]?.seq ?? 0) + 1; // between records 1 and 2: starts at record 2
      const c = new DeliveryCollector(s.log.consume(subject, 0, { durable: 'reader', fromSeq }));
      await c.waitFor(3);
      await sleep(50);
      await s.log.append(subject, { key: 'x', payload: bytes('r5'), msgId: `${subject}-r5`, partition: 0 });
      await s.log.append(subject, { key: 'x', payload: bytes('p1'), msgId: `${subject}-p1`, partition: 1 });
      await s.log.append(subject, { key: 'x', payload: bytes('r6'), msgId: `${subject}-r6`, partition: 0 });
      await c.waitFor(5);
      await Promise.all(c.deliveries.map((d) => d.ack()));
      await sleep(QUIET_MS);
      expect(c.deliveries.map((d) => text(d.envelope.payload))).toEqual(['r2', 'r3', 'r4', 'r5', 'r6']);
      expect(c.deliveries.every((d) => d.deliveryCount === 1 && d.envelope.partition === 0)).toBe(true);
      expect(c.seqs().slice(0, 3)).toEqual(acks.slice(2).map((a) => a.seq));
      await c.consumer.close();
    });

    it('waits on an empty partition until records arrive', async () => {
      const subject = topic('wait');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const c = new DeliveryCollector(s.log.consume(subject, 0, { durable: 'waiter', fromSeq: 1 }));
      await sleep(100);
      expect(c.deliveries).toEqual([]);
      expect(c.ended).toBe(false);
      const acks = await appendAll(
        subject,
        [0, 1, 2].map((i) => ({ key: 'k', payload: bytes(`w${i}`), msgId: `w${i}` })),
      );
      await c.waitFor(3);
      expect(c.seqs()).toEqual(acks.map((a) => a.seq));
      await c.consumer.close();
    });

    it('durable names are independent', async () => {
      const subject = topic('durables');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const acks = await appendAll(
        subject,
        [0, 1, 2].map((i) => ({ key: 'k', payload: bytes(`d${i}`), msgId: `d${i}` })),
      );
      const a = new DeliveryCollector(s.log.consume(subject, 0, { durable: 'one', fromSeq: 1 }));
      const b = new DeliveryCollector(s.log.consume(subject, 0, { durable: 'two', fromSeq: 1 }));
      await a.waitFor(3);
      await b.waitFor(3);
      expect(a.seqs()).toEqual(acks.map((x) => x.seq));
      expect(b.seqs()).toEqual(acks.map((x) => x.seq));
      expect(a.ended || b.ended).toBe(false);
      await a.consumer.close();
      await b.consumer.close();
    });

    it('a second consume with the same durable name replaces the first and starts at its fromSeq', async () => {
      const subject = topic('replace');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const acks = await appendAll(
        subject,
        [0, 1, 2, 3].map((i) => ({ key: 'k', payload: bytes(`p${i}`), msgId: `p${i}` })),
      );
      const seqs = acks.map((a) => a.seq);
      const first = new DeliveryCollector(s.log.consume(subject, 0, { durable: 'owner', fromSeq: 1 }));
      await first.waitFor(4);
      await first.deliveries[0]?.ack();
      await first.deliveries[1]?.ack();
      // The new owner re-reads from its own start (the committed watermark), acked or not.
      const second = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'owner', fromSeq: seqs[1] ?? 1 }),
      );
      await first.waitForEnd();
      expect(first.error).toBeUndefined();
      await second.waitFor(3);
      expect(second.seqs()).toEqual(seqs.slice(1));
      const later = await s.log.append(subject, { key: 'k', payload: bytes('p4'), msgId: 'p4' });
      await second.waitFor(4);
      expect(second.seqs()).toEqual([...seqs.slice(1), later.seq]);
      expect(first.deliveries).toHaveLength(4);
      await second.consumer.close();
    });

    it('close() ends a pending iteration and stops delivery', async () => {
      const subject = topic('close');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const c = new DeliveryCollector(s.log.consume(subject, 0, { durable: 'closer', fromSeq: 1 }));
      await sleep(100);
      await c.consumer.close();
      await c.waitForEnd();
      expect(c.error).toBeUndefined();
      await s.log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm' });
      await sleep(QUIET_MS);
      expect(c.deliveries).toEqual([]);
    });

    it('closing the log ends its consumers', async () => {
      const subject = topic('close-log');
      await s.log.ensureTopic({ subject, partitions: 2 });
      const a = new DeliveryCollector(s.log.consume(subject, 0, { durable: 'a', fromSeq: 1 }));
      const b = new DeliveryCollector(s.log.consume(subject, 1, { durable: 'b', fromSeq: 1 }));
      await sleep(100);
      await s.log.close();
      await a.waitForEnd();
      await b.waitForEnd();
    });

    it(
      'delivers many records complete and in order',
      async () => {
        const subject = topic('many');
        await s.log.ensureTopic({ subject, partitions: 1 });
        const total = 5_000;
        // Concurrent appends: the log decides the order, and the consumer must follow it.
        const idBySeq = new Map<number, string>();
        for (let start = 0; start < total; start += 250) {
          const batch = Array.from({ length: 250 }, (_, i) => `many-${start + i}`);
          const acks = await Promise.all(
            batch.map((msgId) => s.log.append(subject, { key: 'k', payload: bytes(msgId), msgId })),
          );
          for (const [i, ack] of acks.entries()) idBySeq.set(ack.seq, batch[i] ?? '');
        }
        expect(idBySeq.size).toBe(total);
        const consumer = s.log.consume(subject, 0, { durable: 'bulk', fromSeq: 1, maxAckPending: 500 });
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
