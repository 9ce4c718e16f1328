import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../core/log/log.ts';
import { DeliveryCollector, sleep, until } from './delivery-collector.ts';
import { bytes, type LogSuite, QUIET_MS, text } from './log-suite.ts';

/** Acknowledgement rules: the maxAckPending bound, redelivery after the ack wait, working(), idempotent acks. */
export function ackTests(s: LogSuite): void {
  const { topic, appendAll, ackWaitMs } = s;
  describe('acknowledgement', () => {
    it('never has more than maxAckPending deliveries outstanding', async () => {
      const subject = topic('backpressure');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const acks = await appendAll(
        subject,
        Array.from({ length: 10 }, (_, i) => ({ key: 'k', payload: bytes(`b${i}`), msgId: `b${i}` })),
      );
      const c = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'slow', fromSeq: 1, maxAckPending: 3, ackWaitMs: 30_000 }),
      );
      await c.waitFor(3);
      await sleep(QUIET_MS);
      expect(c.deliveries).toHaveLength(3);
      await c.deliveries[0]?.ack();
      await c.waitFor(4);
      await sleep(QUIET_MS);
      expect(c.deliveries).toHaveLength(4);
      // Ack one at a time: each ack lets exactly one more out.
      let acked = 1;
      while (acked < 10) {
        await c.deliveries[acked]?.ack();
        acked++;
        await c.waitFor(Math.min(acked + 3, 10));
        expect(c.deliveries.length - acked).toBeLessThanOrEqual(3);
      }
      expect(c.seqs()).toEqual(acks.map((a) => a.seq));
      expect(c.deliveries.every((d) => d.deliveryCount === 1)).toBe(true);
      await c.consumer.close();
    });

    it('redelivers a delivery not acknowledged within ackWaitMs', async () => {
      const subject = topic('redeliver');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const ack = await s.log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm' });
      const c = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'forgetful', fromSeq: 1, ackWaitMs }),
      );
      await c.waitFor(1);
      expect(c.deliveries[0]?.deliveryCount).toBe(1);
      await c.waitFor(2, ackWaitMs * 10 + 5_000);
      const second = c.deliveries[1];
      expect(second?.envelope.seq).toBe(ack.seq);
      expect(second?.deliveryCount).toBe(2);
      expect(text(second?.envelope.payload ?? new Uint8Array())).toBe('x');
      await second?.ack();
      await sleep(ackWaitMs * 3);
      expect(c.deliveries).toHaveLength(2);
      await c.consumer.close();
    });

    it('redelivers even while maxAckPending is reached', async () => {
      const subject = topic('redeliver-full');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const acks = await appendAll(
        subject,
        [0, 1, 2].map((i) => ({ key: 'k', payload: bytes(`x${i}`), msgId: `x${i}` })),
      );
      const c = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'full', fromSeq: 1, ackWaitMs, maxAckPending: 1 }),
      );
      await c.waitFor(1);
      // Outstanding is at the limit; the only way forward is a redelivery of the same record.
      await c.waitFor(2, ackWaitMs * 10 + 5_000);
      expect(c.deliveries[1]?.envelope.seq).toBe(acks[0]?.seq);
      expect(c.deliveries[1]?.deliveryCount).toBe(2);
      await c.deliveries[1]?.ack();
      await c.waitFor(3);
      expect(c.deliveries[2]?.envelope.seq).toBe(acks[1]?.seq);
      await c.deliveries[2]?.ack();
      await c.waitFor(4);
      await c.deliveries[3]?.ack();
      await sleep(ackWaitMs * 3);
      expect(c.seqs()).toEqual([acks[0]?.seq, acks[0]?.seq, acks[1]?.seq, acks[2]?.seq]);
      await c.consumer.close();
    });

    it('working() restarts the ack wait', async () => {
      const subject = topic('working');
      await s.log.ensureTopic({ subject, partitions: 1 });
      await s.log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm' });
      const wait = Math.max(ackWaitMs, 600);
      const c = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'busy', fromSeq: 1, ackWaitMs: wait }),
      );
      await c.waitFor(1);
      const first = c.deliveries[0];
      const started = Date.now();
      while (Date.now() - started < wait * 2.5) {
        first?.working();
        await sleep(wait / 4);
      }
      expect(c.deliveries).toHaveLength(1);
      // Left alone, it is redelivered.
      await c.waitFor(2, wait * 10 + 5_000);
      expect(c.deliveries[1]?.deliveryCount).toBe(2);
      await c.deliveries[1]?.ack();
      await c.consumer.close();
    });

    it('working() on one delivery does not hold back the redelivery of another', async () => {
      const subject = topic('working-other');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const acks = await appendAll(
        subject,
        [0, 1].map((i) => ({ key: 'k', payload: bytes(`o${i}`), msgId: `o${i}` })),
      );
      const wait = Math.max(ackWaitMs, 600);
      const c = new DeliveryCollector(
        s.log.consume(subject, 0, { durable: 'mixed', fromSeq: 1, ackWaitMs: wait }),
      );
      await c.waitFor(2);
      const busy = c.deliveries[0];
      const started = Date.now();
      while (Date.now() - started < wait * 2.5) {
        busy?.working();
        // Settle the idle record once it came back, so it is not redelivered yet again.
        await c.deliveries[2]?.ack();
        await sleep(wait / 4);
      }
      // The idle one came back; the busy one did not.
      expect(c.deliveries.slice(2).map((d) => [d.envelope.seq, d.deliveryCount])).toEqual([
        [acks[1]?.seq, 2],
      ]);
      await busy?.ack();
      await c.consumer.close();
    });

    it('never redelivers acknowledged records, and ack is idempotent', async () => {
      const subject = topic('acked');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const acks = await appendAll(
        subject,
        [0, 1, 2, 3, 4].map((i) => ({ key: 'k', payload: bytes(`a${i}`), msgId: `a${i}` })),
      );
      const consumer = s.log.consume(subject, 0, { durable: 'diligent', fromSeq: 1, ackWaitMs });
      const seen: Delivery[] = [];
      const drained = (async () => {
        for await (const d of consumer) {
          seen.push(d);
          await d.ack();
          await d.ack();
        }
      })();
      await until(
        () => seen.length >= 5,
        10_000,
        () => `got ${seen.length} deliveries`,
      );
      await sleep(ackWaitMs * 4);
      expect(seen.map((d) => d.envelope.seq)).toEqual(acks.map((a) => a.seq));
      expect(seen.every((d) => d.deliveryCount === 1)).toBe(true);
      await consumer.close();
      await drained;
    });
  });
}
