import { describe, expect, it } from 'vitest';
import type { AppendAck } from '../../core/log/log.ts';
import { partitionOf } from '../../core/log/partition-of.ts';
import { sleep } from './delivery-collector.ts';
import { bytes, type LogSuite, text } from './log-suite.ts';

/** Deduplication by msgId inside the window, and only inside it. */
export function dedupTests(s: LogSuite): void {
  const { topic, readAll, windowMs, timeout } = s;
  describe('deduplication', () => {
    it("drops a second append of a msgId inside the window and returns the first one's position", async () => {
      const subject = topic('dedup');
      await s.log.ensureTopic({ subject, partitions: 4 });
      const first = await s.log.append(subject, { key: 'alice', payload: bytes('first'), msgId: 'm1' });
      expect(first.duplicate).toBe(false);
      const again = await s.log.append(subject, { key: 'alice', payload: bytes('second'), msgId: 'm1' });
      expect(again).toEqual({ partition: first.partition, seq: first.seq, duplicate: true });
      const stored = await readAll(subject, first.partition);
      expect(stored.map((e) => [e.id, text(e.payload)])).toEqual([['m1', 'first']]);
    });

    it('a duplicate under another key still reports where the first one was stored', async () => {
      const subject = topic('dedup-key');
      await s.log.ensureTopic({ subject, partitions: 4 });
      const other = Array.from({ length: 50 }, (_, i) => `key-${i}`).find(
        (k) => partitionOf(k, 4) !== partitionOf('alice', 4),
      );
      if (other === undefined) throw new Error('no key on another partition');
      const first = await s.log.append(subject, { key: 'alice', payload: bytes('a'), msgId: 'm1' });
      const again = await s.log.append(subject, { key: other, payload: bytes('b'), msgId: 'm1' });
      expect(again).toEqual({ partition: first.partition, seq: first.seq, duplicate: true });
      expect(await readAll(subject, partitionOf(other, 4))).toEqual([]);
    });

    it('deduplicates within a topic, not across topics', async () => {
      const a = topic('dedup-a');
      const b = topic('dedup-b');
      await s.log.ensureTopic({ subject: a, partitions: 1 });
      await s.log.ensureTopic({ subject: b, partitions: 1 });
      expect((await s.log.append(a, { key: 'k', payload: bytes('x'), msgId: 'same' })).duplicate).toBe(false);
      expect((await s.log.append(b, { key: 'k', payload: bytes('x'), msgId: 'same' })).duplicate).toBe(false);
      expect(await readAll(a, 0)).toHaveLength(1);
      expect(await readAll(b, 0)).toHaveLength(1);
    });

    it(
      'accepts a msgId again once the window has passed',
      async () => {
        const subject = topic('window');
        await s.log.ensureTopic({ subject, partitions: 1, duplicateWindowMs: windowMs });
        const first = await s.log.append(subject, { key: 'k', payload: bytes('1'), msgId: 'm' });
        const record = { key: 'k', payload: bytes('2'), msgId: 'm' };
        let later: AppendAck;
        if (s.opened.advanceClock) {
          s.opened.advanceClock(windowMs - 1);
          expect((await s.log.append(subject, record)).duplicate).toBe(true);
          s.opened.advanceClock(2);
          later = await s.log.append(subject, record);
        } else {
          expect((await s.log.append(subject, record)).duplicate).toBe(true);
          await sleep(windowMs);
          // A server expires ids on its own timer: allow it a bounded grace period.
          const deadline = Date.now() + 3_000;
          later = await s.log.append(subject, record);
          while (later.duplicate && Date.now() < deadline) {
            await sleep(100);
            later = await s.log.append(subject, record);
          }
        }
        expect(later.duplicate).toBe(false);
        expect(later.seq).toBeGreaterThan(first.seq);
        expect((await readAll(subject, 0)).map((e) => text(e.payload))).toEqual(['1', '2']);
        // The id is remembered again from its new append.
        expect((await s.log.append(subject, record)).duplicate).toBe(true);
      },
      timeout + windowMs,
    );
  });
}
