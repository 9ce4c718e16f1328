import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppendAck, AppendRecord } from '../../core/log/log.ts';
import { partitionOf } from '../../core/log/partition-of.ts';
import { bytes, type LogSuite, text } from './log-suite.ts';

/** Random appends with repeated msgIds against a model of dedup and per-partition order. */
export function propertyTests(s: LogSuite): void {
  const { topic, readAll, propertyRuns, timeout } = s;
  describe('property', () => {
    it(
      'appends with repeated msgIds match a model of dedup and per-partition order',
      async () => {
        const op = fc.record({
          key: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
          id: fc.integer({ min: 0, max: 14 }),
          partition: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
            const subject = topic('prop');
            await s.log.ensureTopic({ subject, partitions: 3 });
            const first = new Map<string, AppendAck>();
            const model: { id: string; key: string; payload: string; seq: number }[][] = [[], [], []];
            for (const [i, { key, id, partition }] of ops.entries()) {
              const msgId = `id-${id}`;
              const record: AppendRecord = {
                key,
                payload: bytes(`${i}`),
                msgId,
                ...(partition === undefined ? {} : { partition }),
              };
              const ack = await s.log.append(subject, record);
              const original = first.get(msgId);
              if (original !== undefined) {
                expect(ack).toEqual({ ...original, duplicate: true });
                continue;
              }
              expect(ack.duplicate).toBe(false);
              expect(ack.partition).toBe(partition ?? partitionOf(key, 3));
              const stored = model[ack.partition] ?? [];
              expect(ack.seq).toBeGreaterThan(stored.at(-1)?.seq ?? 0);
              stored.push({ id: msgId, key, payload: `${i}`, seq: ack.seq });
              first.set(msgId, ack);
            }
            for (let p = 0; p < 3; p++) {
              const read = (await readAll(subject, p)).map((e) => ({
                id: e.id,
                key: e.key,
                payload: text(e.payload),
                seq: e.seq,
              }));
              expect(read).toEqual(model[p]);
            }
          }),
          { numRuns: propertyRuns },
        );
      },
      timeout * 2,
    );
  });
}
