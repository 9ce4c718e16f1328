import { describe, expect, it } from 'vitest';
import { partitionOf } from '../../core/log/partition-of.ts';
import { bytes, type LogSuite } from './log-suite.ts';

/** The append contract: partitioning, order, envelope fields. */
export function appendTests(s: LogSuite): void {
  const { topic, appendAll, readAll } = s;
  describe('append', () => {
    it('maps a key to partitionOf(key, partitions), the same partition every time', async () => {
      const subject = topic('keys');
      await s.log.ensureTopic({ subject, partitions: 4 });
      const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
      const seen = new Set<number>();
      for (const round of [1, 2]) {
        for (const key of keys) {
          const ack = await s.log.append(subject, { key, payload: bytes(key), msgId: `${key}-${round}` });
          expect(ack.partition, key).toBe(partitionOf(key, 4));
          expect(ack.duplicate).toBe(false);
          seen.add(ack.partition);
        }
      }
      expect(seen.size).toBe(4);
      for (let p = 0; p < 4; p++) {
        for (const envelope of await readAll(subject, p)) {
          expect(envelope.partition).toBe(p);
          expect(partitionOf(envelope.key, 4)).toBe(p);
        }
      }
    });

    it('carries an origin to the envelope, and none when there is none', async () => {
      const subject = topic('origin');
      await s.log.ensureTopic({ subject, partitions: 1 });
      await s.log.append(subject, {
        key: 'a',
        payload: bytes('1'),
        msgId: 'o1',
        origin: { id: 'up/3', seq: 17 },
      });
      await s.log.append(subject, { key: 'a', payload: bytes('2'), msgId: 'o2' });
      const stored = await readAll(subject, 0);
      expect(stored.map((e) => e.origin)).toEqual([{ id: 'up/3', seq: 17 }, undefined]);
      expect(stored[0]?.headers).toEqual({});
    });

    it('carries the watermark control mark to the envelope, not to its headers', async () => {
      const subject = topic('control');
      await s.log.ensureTopic({ subject, partitions: 1 });
      await s.log.append(subject, { key: 'a', payload: bytes('{}'), msgId: 'c1', control: 'watermark' });
      await s.log.append(subject, { key: 'a', payload: bytes('{}'), msgId: 'c2' });
      const stored = await readAll(subject, 0);
      expect(stored.map((e) => e.control)).toEqual(['watermark', undefined]);
      expect(stored.map((e) => e.headers)).toEqual([{}, {}]);
    });

    it('honours an explicit partition over the key hash', async () => {
      const subject = topic('explicit');
      await s.log.ensureTopic({ subject, partitions: 3 });
      const partition = (partitionOf('alice', 3) + 1) % 3;
      const ack = await s.log.append(subject, {
        key: 'alice',
        payload: bytes('x'),
        msgId: 'm1',
        partition,
      });
      expect(ack.partition).toBe(partition);
      const stored = await readAll(subject, partition);
      expect(stored.map((e) => [e.key, e.id, e.seq])).toEqual([['alice', 'm1', ack.seq]]);
    });

    it('keeps per-partition append order with strictly increasing sequences', async () => {
      const subject = topic('order');
      await s.log.ensureTopic({ subject, partitions: 3 });
      const records = Array.from({ length: 60 }, (_, i) => ({
        key: `k${i % 7}`,
        payload: bytes(`v${i}`),
        msgId: `${subject}-${i}`,
      }));
      const acks = await appendAll(subject, records);
      for (let p = 0; p < 3; p++) {
        const expected = records
          .map((r, i) => ({ id: r.msgId, ack: acks[i] }))
          .filter((x) => x.ack?.partition === p)
          .map((x) => ({ id: x.id, seq: x.ack?.seq }));
        const seqs = expected.map((x) => x.seq ?? 0);
        for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] ?? 0);
        const stored = await readAll(subject, p);
        expect(stored.map((e) => ({ id: e.id, seq: e.seq }))).toEqual(expected);
      }
    });

    it('stores every envelope field and a copy of the payload', async () => {
      const subject = topic('fields');
      await s.log.ensureTopic({ subject, partitions: 2 });
      const buffer = new Uint8Array([0, 1, 127, 128, 255]);
      const headers = { 'trace-id': 'abc', tenant: 't1' };
      const ack = await s.log.append(subject, {
        key: 'alice',
        payload: buffer,
        msgId: 'fields-1',
        headers,
        eventTime: 1_600_000_000_123,
      });
      // The caller reuses its buffer: the stored record must not change.
      buffer.set([9, 9, 9, 9, 9]);
      const [stored, ...rest] = await readAll(subject, ack.partition);
      expect(rest).toEqual([]);
      expect(stored).toBeDefined();
      if (stored === undefined) return;
      expect({ ...stored, payload: [...stored.payload] }).toEqual({
        subject,
        key: 'alice',
        seq: ack.seq,
        id: 'fields-1',
        eventTime: 1_600_000_000_123,
        payload: [0, 1, 127, 128, 255],
        headers: { 'trace-id': 'abc', tenant: 't1' },
        partition: partitionOf('alice', 2),
      });
    });

    it('defaults eventTime to the append time and headers to none', async () => {
      const subject = topic('event-time');
      await s.log.ensureTopic({ subject, partitions: 1 });
      const now = s.opened.now ?? Date.now;
      const before = now();
      await s.log.append(subject, { key: 'k', payload: bytes('x'), msgId: 'm' });
      const after = now();
      const [stored] = await readAll(subject, 0);
      expect(stored?.eventTime).toBeGreaterThanOrEqual(before);
      expect(stored?.eventTime).toBeLessThanOrEqual(after);
      expect(stored?.headers).toEqual({});
    });
  });
}
