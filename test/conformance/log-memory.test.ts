import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LogClosedError } from '../../core/errors/log-closed-error.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { DeliveryCollector, sleep } from './delivery-collector.ts';
import { logConformance } from './log.ts';

logConformance(
  'memory',
  async () => {
    let clock = Date.now();
    const log = new MemoryLog({ now: () => clock });
    return {
      log,
      close: () => log.close(),
      advanceClock: (ms) => {
        clock += ms;
      },
      now: () => clock,
    };
  },
  { duplicateWindowMs: 60_000, ackWaitMs: 50, propertyRuns: 100 },
);

const payload = new Uint8Array([1]);

describe('MemoryLog specifics', () => {
  it('numbers each partition 1, 2, 3, ...', async () => {
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'seqs', partitions: 2 });
    const acks = [];
    for (const [i, partition] of [0, 1, 0, 0, 1].entries()) {
      acks.push(await log.append('seqs', { key: 'k', payload, msgId: `m${i}`, partition }));
    }
    expect(acks.map((a) => [a.partition, a.seq])).toEqual([
      [0, 1],
      [1, 1],
      [0, 2],
      [0, 3],
      [1, 2],
    ]);
    await log.close();
  });

  it('a stale ack after close or replacement does not touch the new consumer', async () => {
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'stale', partitions: 1 });
    await log.append('stale', { key: 'k', payload, msgId: 'm' });
    const first = new DeliveryCollector(log.consume('stale', 0, { durable: 'd', fromSeq: 1, ackWaitMs: 50 }));
    await first.waitFor(1);
    const second = new DeliveryCollector(
      log.consume('stale', 0, { durable: 'd', fromSeq: 1, ackWaitMs: 50 }),
    );
    await second.waitFor(1);
    await expect(first.deliveries[0]?.ack()).resolves.toBeUndefined();
    // The new consumer's delivery is still unacknowledged, so it comes again.
    await second.waitFor(2);
    expect(second.deliveries[1]?.deliveryCount).toBe(2);
    await log.close();
    await expect(second.deliveries[1]?.ack()).resolves.toBeUndefined();
  });

  it('refuses use after close with LogClosedError', async () => {
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'closed', partitions: 1 });
    await log.close();
    await log.close();
    await expect(log.append('closed', { key: 'k', payload, msgId: 'm' })).rejects.toBeInstanceOf(
      LogClosedError,
    );
    await expect(log.ensureTopic({ subject: 'other', partitions: 1 })).rejects.toBeInstanceOf(LogClosedError);
    const c = new DeliveryCollector(log.consume('closed', 0, { durable: 'd', fromSeq: 1 }));
    await c.waitForEnd();
    expect(c.error).toBeInstanceOf(LogClosedError);
  });

  it('rejects consumer options that cannot work', async () => {
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'options', partitions: 1 });
    expect(() => log.consume('options', 0, { durable: 'd', fromSeq: 0 })).toThrow(RangeError);
    expect(() => log.consume('options', 0, { durable: 'd', fromSeq: 1, maxAckPending: 0 })).toThrow(
      RangeError,
    );
    expect(() => log.consume('options', 0, { durable: 'd', fromSeq: 1, ackWaitMs: -1 })).toThrow(RangeError);
    await expect(log.ensureTopic({ subject: 'zero', partitions: 0 })).rejects.toBeInstanceOf(RangeError);
    await log.close();
  });

  it('leaving a for await early closes the consumer', async () => {
    const log = new MemoryLog();
    await log.ensureTopic({ subject: 'break', partitions: 1 });
    await log.append('break', { key: 'k', payload, msgId: 'a' });
    const consumer = log.consume('break', 0, { durable: 'd', fromSeq: 1 });
    for await (const d of consumer) {
      await d.ack();
      break;
    }
    await log.append('break', { key: 'k', payload, msgId: 'b' });
    const c = new DeliveryCollector(consumer);
    await sleep(50);
    expect(c.ended).toBe(true);
    expect(c.deliveries).toEqual([]);
    await log.close();
  });

  it('an unacknowledged delivery does not keep the process alive', () => {
    const memoryLog = fileURLToPath(new URL('../../core/log/memory-log.ts', import.meta.url));
    const script = `
      import { MemoryLog } from ${JSON.stringify(memoryLog)};
      const log = new MemoryLog();
      await log.ensureTopic({ subject: 'alive', partitions: 1 });
      await log.append('alive', { key: 'k', payload: new Uint8Array([1]), msgId: 'm' });
      const consumer = log.consume('alive', 0, { durable: 'd', fromSeq: 1, ackWaitMs: 60000 });
      const first = await consumer[Symbol.asyncIterator]().next();
      console.log(first.value.envelope.seq);
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stderr).toBe('');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('1');
  }, 30_000);
});
