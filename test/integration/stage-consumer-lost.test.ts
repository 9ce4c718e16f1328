import { expect, it } from 'vitest';
import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { PartitionClaim } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();

class CountingStore extends MemoryStore {
  claims = 0;
  override async claim(stage: string, partition: number, owner: string): Promise<PartitionClaim> {
    this.claims++;
    return super.claim(stage, partition, owner);
  }
}

const tally = defineActor({
  name: 'tally',
  initial: () => ({ n: 0 }),
  decide: () => [{ type: 'Seen' as const }],
  evolve: (s: { n: number }, _e: { type: 'Seen' }) => ({ n: s.n + 1 }),
});

it('takes a partition again when its input consumer ends without a drain, and goes on', async () => {
  const log = new MemoryLog();
  await log.ensureTopic({ subject: 'in', partitions: 1 });
  const store = new CountingStore();
  const stage = new Stage({
    name: 'tally',
    log,
    store,
    input: 'in',
    actor: tally,
    schema: z.object({}),
    partitions: [0],
    commitIntervalMs: 1,
    restartDelayMs: 1,
  });
  const send = async (i: number) =>
    (await log.append('in', { key: 'k', payload: encoder.encode('{}'), msgId: `m${i}` })).seq;
  await stage.start();
  await send(1);
  await waitUntil(async () => stage.watermarks().get(0) === 1, { timeoutMs: 5_000, intervalMs: 2 });
  // Someone else takes the durable consumer over: the stage's input ends under it.
  const intruder = log.consume('in', 0, { durable: 'tally', fromSeq: 1 });
  const failure = await waitUntil(async () => store.claims === 2, { timeoutMs: 5_000, intervalMs: 2 });
  expect(failure).toBeUndefined();
  await intruder.close();
  const last = await send(2);
  expect(
    await waitUntil(async () => stage.watermarks().get(0) === last, { timeoutMs: 5_000, intervalMs: 2 }),
  ).toBeUndefined();
  await stage.stop();
  // Both inputs applied, each once.
  expect((await store.journal('tally', 'k')).map((e) => e.inputSeq)).toEqual([1, last]);
});
