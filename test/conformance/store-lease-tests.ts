import { describe, expect, it } from 'vitest';
import { FencedError } from '../../core/errors/fenced-error.ts';
import type { Store } from '../../core/store/store.ts';
import { emptyBatch, event, rejection } from './store-fixtures.ts';

/** What the lease tests need from the suite: the store and fresh names of the running test. */
export interface LeaseTestContext {
  store(): Store;
  stage(): string;
  actor(): string;
  readonly timeout: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Leases and membership: partitions shared by instances, on the store's clock. */
export function leaseTests(ctx: LeaseTestContext): void {
  const { timeout } = ctx;

  describe('leases', () => {
    it('acquire takes a free partition, refuses it to others while the lease lives', {
      timeout,
    }, async () => {
      const store = ctx.store();
      const stage = ctx.stage();
      const a = await store.acquire(stage, 0, 'a', 60_000);
      expect(a).toEqual({
        stage,
        partition: 0,
        owner: 'a',
        epoch: 1,
        watermark: 0,
        eventTimeWatermark: 0,
        appliedOrigins: {},
        originSequences: {},
      });
      expect(await store.acquire(stage, 0, 'b', 60_000)).toBeUndefined();
      // The same owner (an instance restarted under its name) takes it again, fencing its former life.
      const again = await store.acquire(stage, 0, 'a', 60_000);
      expect(again?.epoch).toBe(2);
      await expect(store.commit(emptyBatch({ stage, partition: 0, epoch: 1 }))).rejects.toBeInstanceOf(
        FencedError,
      );
    });

    it('a run-out lease is taken over and the stale owner cannot commit', { timeout }, async () => {
      const store = ctx.store();
      const stage = ctx.stage();
      const actor = ctx.actor();
      const a = await store.acquire(stage, 0, 'a', 150);
      if (!a) throw new Error('not acquired');
      await store.commit({ ...emptyBatch(a), events: [event(actor, 'k', 1)], watermark: 7 });
      await sleep(300);
      const b = await store.acquire(stage, 0, 'b', 60_000);
      expect(b).toMatchObject({ owner: 'b', epoch: 2, watermark: 7 });
      const stale = await rejection(store.commit({ ...emptyBatch(a), events: [event(actor, 'k', 2)] }));
      expect(stale).toBeInstanceOf(FencedError);
      expect((await store.journal(actor, 'k')).map((e) => e.version)).toEqual([1]);
      expect(await store.renew(stage, 'a', [{ partition: 0, epoch: a.epoch }], 60_000)).toEqual([]);
    });

    it('a commit after the lease ran out fails even when nobody took the partition', {
      timeout,
    }, async () => {
      const store = ctx.store();
      const stage = ctx.stage();
      const actor = ctx.actor();
      const a = await store.acquire(stage, 0, 'a', 150);
      if (!a) throw new Error('not acquired');
      await sleep(300);
      const error = await rejection(store.commit({ ...emptyBatch(a), events: [event(actor, 'k', 1)] }));
      expect(error).toBeInstanceOf(FencedError);
      expect(await store.journal(actor, 'k')).toEqual([]);
      // Nobody took it, so renewing revives it and commits go through again.
      expect(await store.renew(stage, 'a', [{ partition: 0, epoch: a.epoch }], 60_000)).toEqual([0]);
      await store.commit({ ...emptyBatch(a), events: [event(actor, 'k', 1)] });
      expect(await store.journal(actor, 'k')).toHaveLength(1);
    });

    it('renew extends only the leases held at those epochs', { timeout }, async () => {
      const store = ctx.store();
      const stage = ctx.stage();
      const p0 = await store.acquire(stage, 0, 'a', 300);
      const p1 = await store.acquire(stage, 1, 'a', 300);
      if (!p0 || !p1) throw new Error('not acquired');
      const held = [
        { partition: 0, epoch: p0.epoch },
        { partition: 1, epoch: p1.epoch },
        { partition: 2, epoch: 1 },
      ];
      for (let i = 0; i < 4; i++) {
        await sleep(150);
        expect(await store.renew(stage, 'a', held, 300)).toEqual([0, 1]);
      }
      // 600 ms after acquiring a 300 ms lease, renewals kept it: others are still refused.
      expect(await store.acquire(stage, 0, 'b', 300)).toBeUndefined();
      expect(await store.renew(stage, 'b', held, 300)).toEqual([]);
      await store.commit(emptyBatch(p0));
    });

    it('release lets another owner take the partition at once', { timeout }, async () => {
      const store = ctx.store();
      const stage = ctx.stage();
      const a = await store.acquire(stage, 0, 'a', 60_000);
      if (!a) throw new Error('not acquired');
      await store.commit({ ...emptyBatch(a), watermark: 3 });
      // A release with an old epoch is ignored.
      await store.release(stage, { partition: 0, epoch: a.epoch - 1 });
      expect(await store.acquire(stage, 0, 'b', 60_000)).toBeUndefined();
      await store.release(stage, { partition: 0, epoch: a.epoch });
      await expect(store.commit(emptyBatch(a))).rejects.toBeInstanceOf(FencedError);
      expect(await store.acquire(stage, 0, 'b', 60_000)).toMatchObject({
        owner: 'b',
        epoch: 2,
        watermark: 3,
      });
    });

    it('two owners racing for a free partition: exactly one gets it', { timeout }, async () => {
      const store = ctx.store();
      const stage = ctx.stage();
      for (let p = 0; p < 5; p++) {
        const results = await Promise.all(['a', 'b', 'c'].map((o) => store.acquire(stage, p, o, 60_000)));
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      }
    });

    it('a claim overrides a lease and holds without one', { timeout }, async () => {
      const store = ctx.store();
      const stage = ctx.stage();
      const a = await store.acquire(stage, 0, 'a', 60_000);
      const c = await store.claim(stage, 0, 'c');
      expect(c.epoch).toBe((a?.epoch ?? 0) + 1);
      await sleep(50);
      await store.commit(emptyBatch(c));
    });

    it('rejects a lease that is not a positive integer of milliseconds', { timeout }, async () => {
      const store = ctx.store();
      const stage = ctx.stage();
      for (const bad of [0, -5, 1.5, Number.NaN]) {
        await expect(store.acquire(stage, 0, 'a', bad)).rejects.toBeInstanceOf(RangeError);
        await expect(store.renew(stage, 'a', [{ partition: 0, epoch: 1 }], bad)).rejects.toBeInstanceOf(
          RangeError,
        );
      }
    });
  });

  describe('members', () => {
    it('lists the live members sorted, drops run-out ones; a lease of 0 leaves (and lists the others)', {
      timeout,
    }, async () => {
      const store = ctx.store();
      const stage = ctx.stage();
      expect(await store.members(stage, 'b', 60_000)).toEqual(['b']);
      expect(await store.members(stage, 'a', 60_000)).toEqual(['a', 'b']);
      expect(await store.members(stage, 'c', 150)).toEqual(['a', 'b', 'c']);
      expect(await store.members(`${stage}-other`, 'z', 60_000)).toEqual(['z']);
      await sleep(300);
      expect(await store.members(stage, 'a', 60_000)).toEqual(['a', 'b']);
      expect(await store.members(stage, 'b', 0)).toEqual(['a']);
      expect(await store.members(stage, 'a', 60_000)).toEqual(['a']);
    });
  });
}
