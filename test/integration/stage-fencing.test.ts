import { describe, expect, it } from 'vitest';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { FencedError } from '../../core/errors/fenced-error.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import type { Logger } from '../../core/logger.ts';
import { replayKey } from '../../core/replay/replay-key.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import type { CommitBatch, Json, PartitionClaim } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
): Promise<void> {
  const failure = await waitUntil(async () => probe(), { timeoutMs, intervalMs: 2 });
  if (failure !== undefined) throw new Error(`waiting for ${what}: ${failure}`);
}

/** The real MemoryStore, observed: claims in order, and commits that were refused. */
class ObservedStore extends MemoryStore {
  readonly claims: PartitionClaim[] = [];
  readonly refused: { epoch: number; error: unknown }[] = [];
  override async claim(stage: string, partition: number, owner: string): Promise<PartitionClaim> {
    const claim = await super.claim(stage, partition, owner);
    this.claims.push(claim);
    return claim;
  }
  override async commit(batch: CommitBatch): Promise<void> {
    try {
      await super.commit(batch);
    } catch (error) {
      this.refused.push({ epoch: batch.epoch, error });
      throw error;
    }
  }
}

function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (_obj: object, msg?: string) => lines.push(`${level}: ${msg ?? ''}`);
  return { lines, debug: () => {}, info: push('info'), warn: push('warn'), error: push('error') };
}

type Sum = { readonly sum: number; readonly seen: readonly number[] };
type Added = { readonly type: 'Added'; readonly n: number };

describe('Stage fencing (memory log, memory store)', () => {
  it('fences a stale owner: its commit fails, it releases the partition, the new owner finishes', async () => {
    const log = new MemoryLog();
    const store = new ObservedStore();
    await log.ensureTopic({ subject: 'sum.in', partitions: 1 });
    let holdNext = false;
    let release: () => void = () => {};
    let held = false;
    const actor = defineActor({
      name: 'sum',
      initial: (): Sum => ({ sum: 0, seen: [] }),
      decide: async (state: Sum, input: { n: number }, ctx) => {
        if (holdNext) {
          // Only the first owner's attempt is held; it wakes after the takeover.
          holdNext = false;
          held = true;
          await new Promise<void>((resolve) => {
            release = resolve;
          });
        }
        ctx.emit({ sum: state.sum + input.n });
        return [{ type: 'Added', n: input.n }] satisfies Added[];
      },
      evolve: (s: Sum, e: Added): Sum => ({ sum: s.sum + e.n, seen: [...s.seen, e.n] }),
    });
    const send = (n: number) =>
      log.append('sum.in', { key: 'k', payload: encoder.encode(JSON.stringify({ n })), msgId: `in-${n}` });
    const oldLogger = recordingLogger();
    const stageOf = (owner: string, logger: Logger) =>
      new Stage({
        name: 'sum',
        log,
        store,
        input: 'sum.in',
        partitions: [0], // claimed outright: this test counts claims
        output: 'sum.out',
        actor,
        owner,
        commitIntervalMs: 1,
        restartDelayMs: 1,
        logger,
      });

    const old = stageOf('old', oldLogger);
    await old.start();
    await send(1);
    await send(2);
    await until('the first inputs', () => old.watermarks().get(0) === 2);
    holdNext = true;
    await send(3);
    await until('the old owner holding input 3', () => held);

    const fresh = stageOf('new', recordingLogger());
    await fresh.start();
    expect(store.claims.map((c) => [c.owner, c.epoch, c.watermark])).toEqual([
      ['old', 1, 0],
      ['new', 2, 2],
    ]);
    await send(4);
    await until('the new owner', () => fresh.watermarks().get(0) === 4);

    release();
    await until('the stale commit refused', () => store.refused.length > 0);
    await until('the release logged', () =>
      oldLogger.lines.includes('warn: partition taken by another owner; released'),
    );
    expect(store.refused.every((r) => r.epoch === 1 && r.error instanceof FencedError)).toBe(true);
    // Released, not restarted: the stage logs a restart as an error when it decides on one.
    expect(oldLogger.lines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(store.claims).toHaveLength(2);
    // The fenced partition left the old instance: it runs nothing and reports no watermark for it.
    expect(old.partitions()).toEqual([]);
    expect(old.watermarks().has(0)).toBe(false);
    await old.stop();

    await send(5);
    await until('the new owner goes on', () => fresh.watermarks().get(0) === 5);
    await until('outputs published', async () => (await store.outbox('sum', 0)).length === 0);
    await fresh.stop();
    expect((await replayKey(actor, store, 'k')).state).toEqual({ sum: 15, seen: [1, 2, 3, 4, 5] });
    const outputs: [string, Json][] = [];
    for await (const env of log.read('sum.out', 0, 1))
      outputs.push([env.id, JSON.parse(decoder.decode(env.payload))]);
    expect(outputs).toEqual([
      ['sum:0:1:0', { sum: 1 }],
      ['sum:0:2:0', { sum: 3 }],
      ['sum:0:3:0', { sum: 6 }],
      ['sum:0:4:0', { sum: 10 }],
      ['sum:0:5:0', { sum: 15 }],
    ]);
  });
});
