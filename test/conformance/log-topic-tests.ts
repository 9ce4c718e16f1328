import { describe, expect, it } from 'vitest';
import { DeliveryCollector } from './delivery-collector.ts';
import { bytes, type LogSuite } from './log-suite.ts';

/** The topic contract: creation, partition counts and typed errors. */
export function topicTests(s: LogSuite): void {
  const { topic, readAll, run } = s;
  describe('topics', () => {
    it('ensureTopic is idempotent and the partition count is fixed', async () => {
      const subject = topic('ensure');
      await s.log.ensureTopic({ subject, partitions: 3 });
      await s.log.ensureTopic({ subject, partitions: 3 });
      expect(await s.log.partitions(subject)).toBe(3);
      await expect(s.log.ensureTopic({ subject, partitions: 5 })).rejects.toMatchObject({
        name: 'PartitionCountMismatchError',
      });
      expect(await s.log.partitions(subject)).toBe(3);
    });

    it('rejects subjects that are not valid on every log', async () => {
      for (const subject of [`${run}.has space`, `${run}.star.*`, `${run}.tail.>`, `${run}..empty`, '']) {
        await expect(s.log.ensureTopic({ subject, partitions: 1 }), subject).rejects.toBeInstanceOf(
          TypeError,
        );
      }
    });

    it('operations on an unknown topic fail with TopicNotFoundError', async () => {
      const subject = topic('missing');
      const notFound = { name: 'TopicNotFoundError' };
      await expect(s.log.partitions(subject)).rejects.toMatchObject(notFound);
      await expect(
        s.log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm' }),
      ).rejects.toMatchObject(notFound);
      await expect(readAll(subject, 0)).rejects.toMatchObject(notFound);
      const collector = new DeliveryCollector(s.log.consume(subject, 0, { durable: 'd', fromSeq: 1 }));
      await collector.waitForEnd();
      expect(collector.error).toMatchObject(notFound);
      expect(collector.deliveries).toEqual([]);
    });

    it('a partition the topic does not have fails with PartitionOutOfRangeError', async () => {
      const subject = topic('range');
      await s.log.ensureTopic({ subject, partitions: 2 });
      const outOfRange = { name: 'PartitionOutOfRangeError' };
      for (const partition of [2, -1, 0.5]) {
        await expect(
          s.log.append(subject, { key: 'k', payload: bytes('x'), msgId: `m${partition}`, partition }),
        ).rejects.toMatchObject(outOfRange);
      }
      await expect(readAll(subject, 2)).rejects.toMatchObject(outOfRange);
      const collector = new DeliveryCollector(s.log.consume(subject, 2, { durable: 'd', fromSeq: 1 }));
      await collector.waitForEnd();
      expect(collector.error).toMatchObject(outOfRange);
      // Nothing was stored by the failed appends.
      expect(await readAll(subject, 0)).toEqual([]);
      expect(await readAll(subject, 1)).toEqual([]);
    });
  });
}
