import { describe, expect, it } from 'vitest';
import { bytes, type LogSuite, text } from './log-suite.ts';

/** Ordered reads without acks. */
export function readTests(s: LogSuite): void {
  const { topic, readAll, seedPartition } = s;
  describe('read', () => {
    it('reads from a middle sequence to the current end, then ends', async () => {
      const subject = topic('read');
      await s.log.ensureTopic({ subject, partitions: 2 });
      const acks = await seedPartition(subject, 0, 1, 10);
      const seqs = acks.map((a) => a.seq);
      const fromMiddle = await readAll(subject, 0, seqs[3]);
      expect(fromMiddle.map((e) => text(e.payload))).toEqual(['r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9']);
      expect(fromMiddle.map((e) => e.seq)).toEqual(seqs.slice(3));
      // A sequence between two records of the partition starts at the next one.
      const between = await readAll(subject, 0, (seqs[3] ?? 0) + 1);
      expect(between.map((e) => e.seq)).toEqual(seqs.slice(4));
      expect(await readAll(subject, 0, (seqs[9] ?? 0) + 1_000)).toEqual([]);
      expect((await readAll(subject, 1)).every((e) => e.partition === 1)).toBe(true);
    });

    it("counts the records of a partition after a sequence: a consumer's lag behind the end", async () => {
      const subject = topic('pending');
      await s.log.ensureTopic({ subject, partitions: 3 });
      // Six records on partition 0, interleaved with six on partition 1 (the seed's fillers); partition 2 empty.
      const zero = (await seedPartition(subject, 0, 1, 6)).map((a) => a.seq);
      const one = (await readAll(subject, 1)).map((e) => e.seq);
      expect(await s.log.pending(subject, 0, 0)).toBe(6);
      expect(await s.log.pending(subject, 0, zero[3] ?? 0)).toBe(2);
      expect(await s.log.pending(subject, 0, zero[5] ?? 0)).toBe(0);
      expect(await s.log.pending(subject, 0, (zero[5] ?? 0) + 50)).toBe(0);
      expect(await s.log.pending(subject, 1, 0)).toBe(6);
      expect(await s.log.pending(subject, 1, one[1] ?? 0)).toBe(4);
      expect(await s.log.pending(subject, 2, 0)).toBe(0);
      await expect(s.log.pending(subject, 3, 0)).rejects.toThrow();
      await expect(s.log.pending(topic('pending-none'), 0, 0)).rejects.toThrow();
      await expect(s.log.pending(subject, 0, -1)).rejects.toThrow(RangeError);
    });

    it('an empty partition reads as nothing', async () => {
      const subject = topic('read-empty');
      await s.log.ensureTopic({ subject, partitions: 2 });
      await s.log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm', partition: 1 });
      expect(await readAll(subject, 0)).toEqual([]);
    });
  });
}
