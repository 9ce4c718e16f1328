import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FencedError } from '../../core/errors/fenced-error.ts';
import { JournalConflictError } from '../../core/errors/journal-conflict-error.ts';
import { StoreClosedError } from '../../core/errors/store-closed-error.ts';
import { UnstorableValueError } from '../../core/errors/unstorable-value-error.ts';
import { MAX_KEY_BYTES } from '../../core/log/record-key.ts';
import { compareCodePoints } from '../../core/store/code-point-order.ts';
import type { CommitBatch, Json, Store } from '../../core/store/store.ts';
import {
  emptyBatch,
  event,
  observe,
  outboxRow,
  rejection,
  snapshot,
  timer,
  watermarks,
} from './store-fixtures.ts';
import { leaseTests } from './store-lease-tests.ts';
import { modelProperty } from './store-model.ts';

/** A store under test. */
export interface OpenedStore {
  readonly store: Store;
  /** Closes the store and what was opened with it; must tolerate a store that was closed already. */
  close(): Promise<void>;
  /**
   * Opens another store on the same data, as a second process would. Absent
   * when stores cannot share data (MemoryStore): the tests of two instances
   * then do not run.
   */
  peer?(): Promise<OpenedStore>;
}

export interface StoreConformanceOptions {
  /** fast-check runs of the model property. Default 50. */
  readonly propertyRuns?: number;
  /** Per-test timeout. Default 30 000. */
  readonly testTimeoutMs?: number;
}

/**
 * The contract every `Store` passes: `MemoryStore`, `PgliteStore` and
 * `PgStore`. `open` is called before every test and may return stores on data
 * shared by the whole file: every test uses stage and actor names of its own.
 *
 * @example
 * storeConformance('memory', async () => {
 *   const store = new MemoryStore();
 *   return { store, close: () => store.close() };
 * });
 */
export function storeConformance(
  name: string,
  open: () => Promise<OpenedStore>,
  options: StoreConformanceOptions = {},
): void {
  const timeout = options.testTimeoutMs ?? 30_000;
  const run = `conf-${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
  let names = 0;
  /** A name no other test (or run, on a shared database) uses. */
  const unique = (label: string): string => `${run}-${label}-${++names}`;

  describe(`Store conformance: ${name}`, () => {
    let opened: OpenedStore;
    let store: Store;
    let stage: string;
    let actor: string;
    const peers: OpenedStore[] = [];

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      await store.migrate();
      stage = unique('stage');
      actor = unique('actor');
    });

    afterEach(async () => {
      for (const p of peers.splice(0)) await p.close();
      await opened.close();
    });

    const peer = async (): Promise<Store> => {
      if (!opened.peer) throw new Error('no peer');
      const p = await opened.peer();
      peers.push(p);
      await p.store.migrate();
      return p.store;
    };
    const withPeer = (title: string, test: () => Promise<void>): void => {
      it(title, async (ctx) => {
        if (!opened.peer) ctx.skip();
        await test();
      });
    };

    describe('migrate', () => {
      it('is repeatable and keeps the data, also when calls overlap', { timeout }, async () => {
        const claim = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(claim), events: [event(actor, 'k', 1)], watermark: 1 });
        await store.migrate();
        await Promise.all([store.migrate(), store.migrate()]);
        expect(await store.journal(actor, 'k')).toEqual([event(actor, 'k', 1)]);
        await store.commit({ ...emptyBatch(claim), events: [event(actor, 'k', 2)] });
        expect((await store.journal(actor, 'k')).map((e) => e.version)).toEqual([1, 2]);
      });

      withPeer('runs concurrently from two stores on the same data', async () => {
        const other = await peer();
        await Promise.all([store.migrate(), other.migrate(), store.migrate()]);
        const claim = await other.claim(stage, 0, 'b');
        await other.commit({ ...emptyBatch(claim), events: [event(actor, 'k', 1)] });
        expect(await store.journal(actor, 'k')).toEqual([event(actor, 'k', 1)]);
      });
    });

    describe('claim', () => {
      it('of a new partition gives epoch 1, watermarks 0 and the owner', { timeout }, async () => {
        expect(await store.claim(stage, 3, 'host-a')).toEqual({
          stage,
          partition: 3,
          owner: 'host-a',
          epoch: 1,
          watermark: 0,
          eventTimeWatermark: 0,
          appliedOrigins: {},
          originSequences: {},
        });
      });

      it('bumps the epoch by one each time and keeps the watermarks', { timeout }, async () => {
        const first = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(first), watermark: 5, eventTimeWatermark: 1_000 });
        const second = await store.claim(stage, 0, 'b');
        expect(second).toEqual({
          stage,
          partition: 0,
          owner: 'b',
          epoch: 2,
          watermark: 5,
          eventTimeWatermark: 1_000,
          appliedOrigins: {},
          originSequences: {},
        });
        expect((await store.claim(stage, 0, 'b')).epoch).toBe(3);
      });

      it('keeps stages and partitions apart', { timeout }, async () => {
        const other = unique('stage');
        await store.claim(stage, 0, 'a');
        await store.claim(stage, 0, 'a');
        expect((await store.claim(stage, 1, 'a')).epoch).toBe(1);
        expect((await store.claim(other, 0, 'a')).epoch).toBe(1);
        expect((await store.claim(stage, 0, 'a')).epoch).toBe(3);
      });

      it('gives concurrent claims distinct epochs', { timeout }, async () => {
        const claims = await Promise.all(
          ['a', 'b', 'c', 'd', 'e'].map((owner) => store.claim(stage, 0, owner)),
        );
        expect(claims.map((c) => c.epoch).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
      });
    });

    describe('fencing', () => {
      /** A full batch: every kind of row, so "nothing written" covers all of them. */
      const fullBatch = (
        claim: { stage: string; partition: number; epoch: number },
        v: number,
        who = actor,
      ): CommitBatch => ({
        ...emptyBatch(claim),
        events: [event(who, 'k1', v), event(who, 'k2', v)],
        snapshots: [snapshot(who, 'k1', v)],
        keepSnapshots: 1,
        outbox: [outboxRow(claim, `m${v}`, v)],
        progress: [
          { key: 'k1', seq: v * 10 },
          { key: 'k2', seq: v * 10 },
        ],
        timersSet: [timer(claim, who, 'k1', `t${v}`, v)],
        timersDeleted: [{ actor: who, key: 'k1', name: `t${v - 1}` }],
        watermark: v * 10,
        eventTimeWatermark: 1_000 * v,
      });

      it('a stale epoch throws FencedError and writes nothing', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit(fullBatch(a, 1));
        const b = await store.claim(stage, 0, 'b');
        await store.commit(fullBatch(b, 2));
        const before = await observe(store, actor, ['k1', 'k2'], stage, 0);
        const error = await rejection(store.commit(fullBatch(a, 3)));
        expect(error).toBeInstanceOf(FencedError);
        expect(error).toMatchObject({ stage, partition: 0, epoch: a.epoch });
        expect(await observe(store, actor, ['k1', 'k2'], stage, 0)).toEqual(before);
        expect(await watermarks(store, stage, 0)).toEqual({ watermark: 20, eventTimeWatermark: 2_000 });
      });

      it('an epoch that was never claimed is fenced, also on a new partition', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await expect(store.commit(fullBatch({ ...a, epoch: a.epoch + 1 }, 1))).rejects.toBeInstanceOf(
          FencedError,
        );
        await expect(store.commit(fullBatch({ stage, partition: 1, epoch: 1 }, 1))).rejects.toBeInstanceOf(
          FencedError,
        );
        const nothing = { snapshot: undefined, events: [], lastAppliedSeq: 0, timerSerial: 0 };
        for (const partition of [0, 1]) {
          expect(await observe(store, actor, ['k1', 'k2'], stage, partition)).toEqual({
            keys: [],
            perKey: [
              { journal: [], snapshots: [], load: nothing },
              { journal: [], snapshots: [], load: nothing },
            ],
            outbox: [],
            timers: [],
          });
        }
        expect(await watermarks(store, stage, 0)).toEqual({ watermark: 0, eventTimeWatermark: 0 });
      });

      it('a fenced duplicate version is reported as fenced (the epoch is checked first)', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(a), events: [event(actor, 'k', 1)] });
        await store.claim(stage, 0, 'b');
        const error = await rejection(store.commit({ ...emptyBatch(a), events: [event(actor, 'k', 1)] }));
        expect(error).toBeInstanceOf(FencedError);
      });

      withPeer(
        'two stores claim the same partition: the first one is fenced, the second commits',
        async () => {
          const other = await peer();
          const a = await store.claim(stage, 0, 'a');
          await store.commit(fullBatch(a, 1));
          const b = await other.claim(stage, 0, 'b');
          expect(b.epoch).toBe(a.epoch + 1);
          expect(b.watermark).toBe(10);
          await expect(store.commit(fullBatch(a, 2))).rejects.toBeInstanceOf(FencedError);
          await other.commit(fullBatch(b, 2));
          expect((await store.load(actor, 'k1', stage, 0)).lastAppliedSeq).toBe(20);
        },
      );

      it('a commit racing a claim either lands before it or writes nothing', { timeout }, async () => {
        for (let i = 0; i < 10; i++) {
          const s = `${stage}-${i}`;
          const who = `${actor}-${i}`;
          const a = await store.claim(s, 0, 'a');
          const [committed, claimed] = await Promise.allSettled([
            store.commit(fullBatch(a, 1, who)),
            store.claim(s, 0, 'b'),
          ]);
          if (claimed.status === 'rejected') throw claimed.reason;
          if (committed.status === 'fulfilled') {
            expect(claimed.value.watermark).toBe(10);
            expect(await store.journal(who, 'k1')).toEqual([event(who, 'k1', 1)]);
            expect((await store.outbox(s, 0)).length).toBe(1);
          } else {
            expect(committed.reason).toBeInstanceOf(FencedError);
            expect(claimed.value.watermark).toBe(0);
            expect(await store.journal(who, 'k1')).toEqual([]);
            expect(await store.outbox(s, 0)).toEqual([]);
          }
        }
      });
    });

    leaseTests({ store: () => store, stage: () => stage, actor: () => actor, timeout });

    describe('origins', () => {
      it('keeps the applied origins and origin sequences a commit gives, across claims', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        expect([a.appliedOrigins, a.originSequences]).toEqual([{}, {}]);
        const applied = { 'up/0': [41, 43], 'up/1': [7] };
        const sequences = { 'out/0': 12, 'out/1': 3 };
        await store.commit({ ...emptyBatch(a), appliedOrigins: applied, originSequences: sequences });
        // Omitted: left as they are.
        await store.commit({ ...emptyBatch(a), watermark: 2 });
        const b = await store.claim(stage, 0, 'b');
        expect([b.appliedOrigins, b.originSequences]).toEqual([applied, sequences]);
        const leased = await store.acquire(`${stage}-leased`, 0, 'a', 60_000);
        expect(leased?.appliedOrigins).toEqual({});
        // A fenced commit changes nothing.
        await expect(
          store.commit({ ...emptyBatch(a), appliedOrigins: { 'x/0': [1] }, originSequences: {} }),
        ).rejects.toBeInstanceOf(FencedError);
        expect((await store.claim(stage, 0, 'c')).appliedOrigins).toEqual(applied);
      });
    });

    describe('journal', () => {
      it('returns the events in version order, from a version on', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(a), events: [event(actor, 'k', 3), event(actor, 'k', 1)] });
        await store.commit({ ...emptyBatch(a), events: [event(actor, 'k', 2), event(actor, 'k', 4)] });
        expect(await store.journal(actor, 'k')).toEqual([1, 2, 3, 4].map((v) => event(actor, 'k', v)));
        expect(await store.journal(actor, 'k', 3)).toEqual([event(actor, 'k', 3), event(actor, 'k', 4)]);
        expect(await store.journal(actor, 'k', 5)).toEqual([]);
        expect(await store.journal(actor, 'other')).toEqual([]);
        expect(await store.journal(unique('actor'), 'k')).toEqual([]);
      });

      it('keeps actors and keys apart: the same version in each', { timeout }, async () => {
        const other = unique('actor');
        const a = await store.claim(stage, 0, 'a');
        await store.commit({
          ...emptyBatch(a),
          events: [event(actor, 'k', 1), event(actor, 'j', 1), event(other, 'k', 1)],
        });
        expect(await store.journal(actor, 'k')).toEqual([event(actor, 'k', 1)]);
        expect(await store.journal(actor, 'j')).toEqual([event(actor, 'j', 1)]);
        expect(await store.journal(other, 'k')).toEqual([event(other, 'k', 1)]);
      });

      it('a version that exists fails the whole commit with JournalConflictError', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(a), events: [event(actor, 'k1', 1), event(actor, 'k1', 2)] });
        const before = await observe(store, actor, ['k1', 'k2'], stage, 0);
        const error = await rejection(
          store.commit({
            ...emptyBatch(a),
            events: [event(actor, 'k2', 1), event(actor, 'k1', 3), event(actor, 'k1', 2, { other: true })],
            snapshots: [snapshot(actor, 'k2', 1)],
            outbox: [outboxRow(a, 'm', 1)],
            progress: [{ key: 'k2', seq: 9 }],
            timersSet: [timer(a, actor, 'k2', 't', 5)],
            watermark: 9,
            eventTimeWatermark: 99,
          }),
        );
        expect(error).toBeInstanceOf(JournalConflictError);
        expect(error).toMatchObject({ actor, key: 'k1', version: 2 });
        expect(await observe(store, actor, ['k1', 'k2'], stage, 0)).toEqual(before);
        expect(await watermarks(store, stage, 0)).toEqual({ watermark: 0, eventTimeWatermark: 0 });
      });

      it('a version twice in one batch is a JournalConflictError and writes nothing', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const error = await rejection(
          store.commit({
            ...emptyBatch(a),
            events: [event(actor, 'k', 1), event(actor, 'k', 1, { again: true })],
            progress: [{ key: 'k', seq: 1 }],
          }),
        );
        expect(error).toBeInstanceOf(JournalConflictError);
        expect(error).toMatchObject({ actor, key: 'k', version: 1 });
        expect(await store.load(actor, 'k', stage, 0)).toEqual({
          snapshot: undefined,
          events: [],
          lastAppliedSeq: 0,
          timerSerial: 0,
        });
      });

      it("keeps keys up to the key rule's limit in every table, exactly", { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const keys = [
          'k'.repeat(MAX_KEY_BYTES),
          '\u{1F600}'.repeat(MAX_KEY_BYTES / 4),
          'ä'.repeat(MAX_KEY_BYTES / 2),
          ' spaced.key*> with\r\nbreaks\t',
        ];
        const name = 'n'.repeat(512);
        await store.commit({
          ...emptyBatch(a),
          events: keys.map((k) => event(actor, k, 1)),
          snapshots: keys.map((k) => snapshot(actor, k, 1, { k })),
          outbox: keys.map((k, i) => ({ ...outboxRow(a, `m${i}`, i + 1), key: k })),
          progress: keys.map((k, i) => ({ key: k, seq: i + 1 })),
          timersSet: keys.map((k) => timer(a, actor, k, name, 1)),
          watermark: 0,
        });
        expect(await store.keys(actor)).toEqual([...keys].sort(compareCodePoints));
        for (const [i, k] of keys.entries()) {
          const loaded = await store.load(actor, k, stage, 0);
          expect(loaded.snapshot?.state).toEqual({ k });
          expect(loaded.lastAppliedSeq).toBe(i + 1);
        }
        expect((await store.outbox(stage, 0)).map((o) => o.key)).toEqual(keys);
        expect((await store.timers(stage, 0)).map((t) => t.key).sort(compareCodePoints)).toEqual(
          [...keys].sort(compareCodePoints),
        );
      });

      it('keys lists each key with a journal once, in code point order', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const keys = ['b', 'a', 'B', '\u{1F600}', '\uFFFD', 'ä', 'a b', ' a.b*>\r\n'];
        await store.commit({ ...emptyBatch(a), events: keys.map((k) => event(actor, k, 1)) });
        await store.commit({
          ...emptyBatch(a),
          events: [event(actor, 'b', 2), event(unique('actor'), 'zz', 1)],
        });
        expect(await store.keys(actor)).toEqual([...keys].sort(compareCodePoints));
        expect([...keys].sort(compareCodePoints).slice(-2)).toEqual(['\uFFFD', '\u{1F600}']);
        expect(await store.keys(unique('actor'))).toEqual([]);
      });
    });

    describe('snapshots', () => {
      it('keeps the newest keepSnapshots per (actor, key) written in the batch', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const versions = async (key: string): Promise<number[]> =>
          (await store.snapshots(actor, key)).map((s) => s.version);
        await store.commit({
          ...emptyBatch(a),
          snapshots: [snapshot(actor, 'k', 1), snapshot(actor, 'k', 2), snapshot(actor, 'other', 1)],
          keepSnapshots: 2,
        });
        expect(await versions('k')).toEqual([1, 2]);
        await store.commit({ ...emptyBatch(a), snapshots: [snapshot(actor, 'k', 3)], keepSnapshots: 2 });
        expect(await versions('k')).toEqual([2, 3]);
        await store.commit({
          ...emptyBatch(a),
          snapshots: [snapshot(actor, 'k', 6), snapshot(actor, 'k', 4), snapshot(actor, 'k', 5)],
          keepSnapshots: 2,
        });
        expect(await store.snapshots(actor, 'k')).toEqual([snapshot(actor, 'k', 5), snapshot(actor, 'k', 6)]);
        await store.commit({ ...emptyBatch(a), snapshots: [snapshot(actor, 'k', 7)], keepSnapshots: 1 });
        expect(await versions('k')).toEqual([7]);
        // Keys the batch did not touch keep what they had, whatever keepSnapshots says.
        expect(await versions('other')).toEqual([1]);
      });

      it('drops a snapshot older than the kept ones and replaces one of the same version', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({
          ...emptyBatch(a),
          snapshots: [snapshot(actor, 'k', 5), snapshot(actor, 'k', 6)],
          keepSnapshots: 2,
        });
        await store.commit({ ...emptyBatch(a), snapshots: [snapshot(actor, 'k', 4)], keepSnapshots: 2 });
        expect((await store.snapshots(actor, 'k')).map((s) => s.version)).toEqual([5, 6]);
        await store.commit({
          ...emptyBatch(a),
          snapshots: [snapshot(actor, 'k', 6, { replaced: true })],
          keepSnapshots: 2,
        });
        expect(await store.snapshots(actor, 'k')).toEqual([
          snapshot(actor, 'k', 5),
          snapshot(actor, 'k', 6, { replaced: true }),
        ]);
        expect(await store.snapshots(actor, 'none')).toEqual([]);
      });
    });

    describe('load', () => {
      it('returns the newest snapshot, the journal after it and the last applied seq', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({
          ...emptyBatch(a),
          events: [1, 2, 3, 4, 5].map((v) => event(actor, 'k', v)),
          snapshots: [snapshot(actor, 'k', 2), snapshot(actor, 'k', 3)],
          keepSnapshots: 5,
          progress: [{ key: 'k', seq: 42 }],
        });
        expect(await store.load(actor, 'k', stage, 0)).toEqual({
          snapshot: snapshot(actor, 'k', 3),
          events: [event(actor, 'k', 4), event(actor, 'k', 5)],
          lastAppliedSeq: 42,
          timerSerial: 0,
        });
      });

      it('without a snapshot returns the whole journal; unknown keys are empty', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(a), events: [event(actor, 'k', 1), event(actor, 'k', 2)] });
        expect(await store.load(actor, 'k', stage, 0)).toEqual({
          snapshot: undefined,
          events: [event(actor, 'k', 1), event(actor, 'k', 2)],
          lastAppliedSeq: 0,
          timerSerial: 0,
        });
        expect(await store.load(actor, 'none', stage, 0)).toEqual({
          snapshot: undefined,
          events: [],
          lastAppliedSeq: 0,
          timerSerial: 0,
        });
      });

      it('loadMany gives each key what load gives it, in the order asked, in one call', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({
          ...emptyBatch(a),
          events: [
            ...[1, 2, 3, 4].map((v) => event(actor, 'k1', v)),
            event(actor, 'k2', 1),
            event(actor, 'k2', 2),
            event(unique('other-actor'), 'k2', 1),
          ],
          snapshots: [snapshot(actor, 'k1', 2), snapshot(actor, 'k1', 3)],
          keepSnapshots: 5,
          progress: [
            { key: 'k1', seq: 9, timerSerial: 4 },
            { key: 'k3', seq: 2 },
          ],
        });
        const keys = ['k2', 'none', 'k1', 'k3', 'k2'];
        const many = await store.loadMany(actor, keys, stage, 0);
        expect(many).toEqual(await Promise.all(keys.map((k) => store.load(actor, k, stage, 0))));
        expect(many[2]).toEqual({
          snapshot: snapshot(actor, 'k1', 3),
          events: [event(actor, 'k1', 4)],
          lastAppliedSeq: 9,
          timerSerial: 4,
        });
        expect(many[0]?.events).toEqual([event(actor, 'k2', 1), event(actor, 'k2', 2)]);
        // Progress is of its own stage and partition.
        expect((await store.loadMany(actor, ['k1'], stage, 1))[0]?.lastAppliedSeq).toBe(0);
        expect(await store.loadMany(actor, [], stage, 0)).toEqual([]);
      });

      it('loadMany refuses a key no store can hold, like load, and reads nothing', { timeout }, async () => {
        const refused = await rejection(store.loadMany(actor, ['fine', 'bad\u0000key'], stage, 0));
        expect(refused).toBeInstanceOf(UnstorableValueError);
        expect(String((refused as Error).message)).toContain('key');
      });

      it('reads the progress of its own stage and partition only', { timeout }, async () => {
        const other = unique('stage');
        const p0 = await store.claim(stage, 0, 'a');
        const p1 = await store.claim(stage, 1, 'a');
        const o0 = await store.claim(other, 0, 'a');
        await store.commit({ ...emptyBatch(p0), progress: [{ key: 'k', seq: 1 }] });
        await store.commit({ ...emptyBatch(p1), progress: [{ key: 'k', seq: 2 }] });
        await store.commit({ ...emptyBatch(o0), progress: [{ key: 'k', seq: 3 }] });
        expect((await store.load(actor, 'k', stage, 0)).lastAppliedSeq).toBe(1);
        expect((await store.load(actor, 'k', stage, 1)).lastAppliedSeq).toBe(2);
        expect((await store.load(actor, 'k', other, 0)).lastAppliedSeq).toBe(3);
        expect((await store.load(actor, 'k', other, 1)).lastAppliedSeq).toBe(0);
      });
    });

    describe('progress and watermarks', () => {
      it('a key’s progress only moves forward', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const seq = async (key: string): Promise<number> =>
          (await store.load(actor, key, stage, 0)).lastAppliedSeq;
        await store.commit({ ...emptyBatch(a), progress: [{ key: 'k', seq: 5 }] });
        await store.commit({
          ...emptyBatch(a),
          progress: [
            { key: 'k', seq: 3 },
            { key: 'j', seq: 4 },
            { key: 'j', seq: 2 },
          ],
        });
        expect(await seq('k')).toBe(5);
        expect(await seq('j')).toBe(4);
        await store.commit({ ...emptyBatch(a), progress: [{ key: 'k', seq: 7 }] });
        expect(await seq('k')).toBe(7);
      });

      it('a key’s timer serial only moves forward, per stage and partition', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const b = await store.claim(stage, 1, 'a');
        const serial = async (key: string, partition = 0): Promise<number> =>
          (await store.load(actor, key, stage, partition)).timerSerial;
        await store.commit({ ...emptyBatch(a), progress: [{ key: 'k', seq: 5, timerSerial: 3 }] });
        await store.commit({
          ...emptyBatch(a),
          progress: [
            { key: 'k', seq: 6, timerSerial: 2 },
            { key: 'j', seq: 0, timerSerial: 4 },
            { key: 'j', seq: 1 },
          ],
        });
        await store.commit({ ...emptyBatch(b), progress: [{ key: 'k', seq: 1, timerSerial: 9 }] });
        expect(await serial('k')).toBe(3);
        expect((await store.load(actor, 'k', stage, 0)).lastAppliedSeq).toBe(6);
        expect(await serial('j')).toBe(4);
        expect((await store.load(actor, 'j', stage, 0)).lastAppliedSeq).toBe(1);
        expect(await serial('k', 1)).toBe(9);
        await store.commit({ ...emptyBatch(a), progress: [{ key: 'k', seq: 0, timerSerial: 8 }] });
        expect(await serial('k')).toBe(8);
        expect((await store.load(actor, 'k', stage, 0)).lastAppliedSeq).toBe(6);
      });

      it('the watermarks never move backwards, and an omitted one stays', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(a), watermark: 10, eventTimeWatermark: 1_000 });
        await store.commit({ ...emptyBatch(a), watermark: 4, eventTimeWatermark: 500 });
        await store.commit(emptyBatch(a));
        const b = await store.claim(stage, 0, 'b');
        expect(b).toMatchObject({ watermark: 10, eventTimeWatermark: 1_000 });
        await store.commit({ ...emptyBatch(b), watermark: 12 });
        await store.commit({ ...emptyBatch(b), eventTimeWatermark: 1_500 });
        expect(await watermarks(store, stage, 0)).toEqual({ watermark: 12, eventTimeWatermark: 1_500 });
      });
    });

    describe('outbox', () => {
      it('returns a partition’s rows in position order, exactly as written', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const b = await store.claim(stage, 1, 'a');
        await store.commit({ ...emptyBatch(a), outbox: [outboxRow(a, 'm3', 3), outboxRow(a, 'm1', 1)] });
        await store.commit({ ...emptyBatch(a), outbox: [outboxRow(a, 'm2', 2)] });
        await store.commit({ ...emptyBatch(b), outbox: [outboxRow(b, 'x1', 1)] });
        expect(await store.outbox(stage, 0)).toEqual([
          outboxRow(a, 'm1', 1),
          outboxRow(a, 'm2', 2),
          outboxRow(a, 'm3', 3),
        ]);
        expect(await store.outbox(stage, 1)).toEqual([outboxRow(b, 'x1', 1)]);
        expect(await store.outbox(stage, 2)).toEqual([]);
      });

      it('keeps the first row of a msg id: the id names the message', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(a), outbox: [outboxRow(a, 'm', 1, 'first')] });
        await store.commit({
          ...emptyBatch(a),
          outbox: [outboxRow(a, 'm', 2, 'second'), outboxRow(a, 'n', 3), outboxRow(a, 'n', 4, 'again')],
        });
        expect(await store.outbox(stage, 0)).toEqual([outboxRow(a, 'm', 1, 'first'), outboxRow(a, 'n', 3)]);
      });

      it('deleteOutbox removes the named rows of that partition only, fenced or not', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const other = await store.claim(stage, 1, 'a');
        await store.commit({ ...emptyBatch(a), outbox: [1, 2, 3].map((i) => outboxRow(a, `m${i}`, i)) });
        await store.commit({ ...emptyBatch(other), outbox: [outboxRow(other, 'm1', 1)] });
        await store.deleteOutbox(stage, 0, ['m1', 'unknown']);
        await store.deleteOutbox(stage, 0, []);
        expect((await store.outbox(stage, 0)).map((r) => r.msgId)).toEqual(['m2', 'm3']);
        await store.claim(stage, 0, 'b');
        // The old owner published m3 before it lost the partition: deleting it is still right.
        await store.deleteOutbox(stage, 0, ['m3']);
        expect((await store.outbox(stage, 0)).map((r) => r.msgId)).toEqual(['m2']);
        expect((await store.outbox(stage, 1)).map((r) => r.msgId)).toEqual(['m1']);
      });

      it('a commit deletes the published rows it names, of its partition, with its own rows kept', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const other = await store.claim(stage, 1, 'a');
        await store.commit({ ...emptyBatch(a), outbox: [1, 2, 3].map((i) => outboxRow(a, `m${i}`, i)) });
        await store.commit({ ...emptyBatch(other), outbox: [outboxRow(other, 'm1', 1)] });
        await store.commit({
          ...emptyBatch(a),
          outbox: [outboxRow(a, 'm4', 4)],
          outboxDeleted: ['m1', 'm3', 'unknown'],
        });
        expect((await store.outbox(stage, 0)).map((r) => r.msgId)).toEqual(['m2', 'm4']);
        expect((await store.outbox(stage, 1)).map((r) => r.msgId)).toEqual(['m1']);
        await store.commit({ ...emptyBatch(a), outboxDeleted: [] });
        expect((await store.outbox(stage, 0)).map((r) => r.msgId)).toEqual(['m2', 'm4']);
      });

      it('a fenced commit deletes nothing; a bad msg id fails the commit before it writes', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(a), outbox: [outboxRow(a, 'm1', 1), outboxRow(a, 'm2', 2)] });
        const b = await store.claim(stage, 0, 'b');
        await expect(store.commit({ ...emptyBatch(a), outboxDeleted: ['m1'] })).rejects.toBeInstanceOf(
          FencedError,
        );
        await expect(
          store.commit({
            ...emptyBatch(b),
            events: [event(actor, 'k', 1)],
            outboxDeleted: ['m1', 'nul\u0000'],
          }),
        ).rejects.toBeInstanceOf(UnstorableValueError);
        expect((await store.outbox(stage, 0)).map((r) => r.msgId)).toEqual(['m1', 'm2']);
        expect(await store.journal(actor, 'k')).toEqual([]);
      });
    });

    describe('timers', () => {
      it('are set, overwritten and deleted per (actor, key, name)', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const b = await store.claim(stage, 1, 'a');
        await store.commit({
          ...emptyBatch(a),
          timersSet: [
            timer(a, actor, 'k', 't2', 20),
            timer(a, actor, 'k', 't1', 10),
            timer(a, actor, 'j', 't1', 5),
          ],
        });
        await store.commit({ ...emptyBatch(b), timersSet: [timer(b, actor, 'x', 't', 1)] });
        expect(await store.timers(stage, 0)).toEqual([
          timer(a, actor, 'j', 't1', 5),
          timer(a, actor, 'k', 't1', 10),
          timer(a, actor, 'k', 't2', 20),
        ]);
        await store.commit({
          ...emptyBatch(a),
          timersSet: [timer(a, actor, 'k', 't1', 11, 'processing', 4)],
          timersDeleted: [
            { actor, key: 'k', name: 't2' },
            { actor, key: 'k', name: 'never-set' },
          ],
        });
        expect(await store.timers(stage, 0)).toEqual([
          timer(a, actor, 'j', 't1', 5),
          timer(a, actor, 'k', 't1', 11, 'processing', 4),
        ]);
        expect(await store.timers(stage, 1)).toEqual([timer(b, actor, 'x', 't', 1)]);
        expect(await store.timers(unique('stage'), 0)).toEqual([]);
      });

      it('a timer both deleted and set in one batch is set; the last set wins', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        await store.commit({ ...emptyBatch(a), timersSet: [timer(a, actor, 'k', 't', 1)] });
        await store.commit({
          ...emptyBatch(a),
          timersDeleted: [{ actor, key: 'k', name: 't' }],
          timersSet: [timer(a, actor, 'k', 't', 2), timer(a, actor, 'k', 't', 3)],
        });
        expect(await store.timers(stage, 0)).toEqual([timer(a, actor, 'k', 't', 3)]);
      });
    });

    describe('values', () => {
      const awkward: Json = {
        numbers: [
          0,
          -1,
          0.1,
          1 / 3,
          -1.5e-7,
          1e21,
          1e300,
          5e-324,
          Number.MAX_VALUE,
          Number.MAX_SAFE_INTEGER,
          2 ** 60,
        ],
        strings: [
          '',
          'quote " backslash \\ slash /',
          'line\nbreak\ttab',
          'é ü 中文 😀',
          '\u2028\u2029',
          '\u0001',
        ],
        nested: { empty: {}, list: [], deep: [[[{ x: null }]]], yes: true, no: false },
        'key with spaces': 1,
        // A data property named __proto__, as JSON.parse makes it; it must stay data.
        proto: JSON.parse('{"__proto__": {"polluted": false}}') as Json,
      };

      it('JSON and text round-trip exactly (object key order aside)', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const key = 'ключ 😀 "q"';
        await store.commit({
          ...emptyBatch(a),
          events: [{ ...event(actor, key, 1), data: awkward, type: 'Tÿpe ✓' }],
          snapshots: [snapshot(actor, key, 1, awkward)],
          outbox: [{ ...outboxRow(a, 'm', 1, awkward), headers: { 'x-ü': 'ö 😀', empty: '' } }],
        });
        const [stored] = await store.journal(actor, key);
        if (!stored) throw new Error('the event was not stored');
        expect(stored).toEqual({ ...event(actor, key, 1), data: awkward, type: 'Tÿpe ✓' });
        const proto = (stored.data as { proto: object }).proto;
        expect(Object.keys(proto)).toEqual(['__proto__']);
        expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
        expect((await store.snapshots(actor, key))[0]?.state).toEqual(awkward);
        expect((await store.outbox(stage, 0))[0]).toEqual({
          ...outboxRow(a, 'm', 1, awkward),
          headers: { 'x-ü': 'ö 😀', empty: '' },
        });
        expect(await store.keys(actor)).toEqual([key]);
      });

      it('keeps JSON null, strings and numbers at the top level as JSON values', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const values: Json[] = [null, 'text', 0, [null], { n: null }];
        await store.commit({
          ...emptyBatch(a),
          events: values.map((data, i) => event(actor, 'k', i + 1, data)),
          snapshots: values.map((state, i) => snapshot(actor, 'k', i + 1, state)),
          keepSnapshots: values.length,
          outbox: values.map((payload, i) => outboxRow(a, `m${i}`, i + 1, payload)),
        });
        expect((await store.journal(actor, 'k')).map((e) => e.data)).toEqual(values);
        expect((await store.snapshots(actor, 'k')).map((s) => s.state)).toEqual(values);
        expect((await store.outbox(stage, 0)).map((o) => o.payload)).toEqual(values);
      });

      it('drops undefined properties and turns -0 into 0, as JSON does', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const data = { kept: 1, dropped: undefined, zero: -0, list: [-0] } as unknown as Json;
        await store.commit({
          ...emptyBatch(a),
          events: [{ ...event(actor, 'k', 1, data), eventTime: -0, inputSeq: -0 }],
          watermark: -0,
        });
        const [stored] = await store.journal(actor, 'k');
        if (!stored) throw new Error('the event was not stored');
        expect(stored.data).toEqual({ kept: 1, zero: 0, list: [0] });
        expect(Object.keys(stored.data ?? {}).sort()).toEqual(['kept', 'list', 'zero']);
        expect(Object.is((stored.data as { zero: number }).zero, 0)).toBe(true);
        expect(Object.is(stored.eventTime, 0)).toBe(true);
        expect(Object.is(stored.inputSeq, 0)).toBe(true);
      });

      it('refuses what it cannot keep exactly, naming where, and writes nothing', { timeout }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const ok = { ...emptyBatch(a), events: [event(actor, 'k', 1)], progress: [{ key: 'k', seq: 1 }] };
        const bad: [string, CommitBatch][] = [
          ['events[0].eventTime', { ...ok, events: [{ ...event(actor, 'k', 1), eventTime: 1.5 }] }],
          ['events[0].version', { ...ok, events: [event(actor, 'k', 0)] }],
          ['events[0].version', { ...ok, events: [event(actor, 'k', 2 ** 53)] }],
          ['events[0].inputSeq', { ...ok, events: [{ ...event(actor, 'k', 1), inputSeq: -1 }] }],
          ['events[0].data.n', { ...ok, events: [event(actor, 'k', 1, { n: Number.NaN })] }],
          ['events[0].data[1]', { ...ok, events: [event(actor, 'k', 1, [1, Number.POSITIVE_INFINITY])] }],
          ['events[0].data.s', { ...ok, events: [event(actor, 'k', 1, { s: 'nul \u0000 inside' })] }],
          ['events[0].data.s', { ...ok, events: [event(actor, 'k', 1, { s: 'lone \uD800 surrogate' })] }],
          ['events[0].key', { ...ok, events: [event(actor, 'k\uDC00', 1)] }],
          // The key rule every Log and Store keeps: PostgreSQL would refuse these or fail its index.
          ['events[0].key', { ...ok, events: [event(actor, '', 1)] }],
          ['events[0].key', { ...ok, events: [event(actor, 'k\u0000', 1)] }],
          ['events[0].key', { ...ok, events: [event(actor, 'k'.repeat(MAX_KEY_BYTES + 1), 1)] }],
          ['events[0].key', { ...ok, events: [event(actor, '\u{1F600}'.repeat(MAX_KEY_BYTES / 4 + 1), 1)] }],
          ['snapshots[0].key', { ...ok, snapshots: [snapshot(actor, 'x'.repeat(3_000), 1, {})] }],
          ['outbox[0].key', { ...ok, outbox: [{ ...outboxRow(a, 'm', 1), key: 'x'.repeat(10_000) }] }],
          ['progress[0].key', { ...ok, progress: [{ key: '', seq: 1 }] }],
          ['timersSet[0].key', { ...ok, timersSet: [timer(a, actor, '\uD800', 't', 1)] }],
          ['timersSet[0].name', { ...ok, timersSet: [timer(a, actor, 'k', 'n'.repeat(513), 1)] }],
          [
            'events[0].data.when',
            { ...ok, events: [event(actor, 'k', 1, { when: new Date(0) } as unknown as Json)] },
          ],
          ['events[0].data.big', { ...ok, events: [event(actor, 'k', 1, { big: 1n } as unknown as Json)] }],
          ['events[0].data[0]', { ...ok, events: [event(actor, 'k', 1, [undefined] as unknown as Json)] }],
          [
            'snapshots[0].state',
            { ...ok, snapshots: [snapshot(actor, 'k', 1, new Map() as unknown as Json)] },
          ],
          ['outbox[0]', { ...ok, outbox: [{ ...outboxRow(a, 'm', 1), partition: a.partition + 1 }] }],
          [
            'outbox[0].headers["h"]',
            { ...ok, outbox: [{ ...outboxRow(a, 'm', 1), headers: { h: 1 } as never }] },
          ],
          ['timersSet[0]', { ...ok, timersSet: [{ ...timer(a, actor, 'k', 't', 1), stage: 'elsewhere' }] }],
          ['timersSet[0].at', { ...ok, timersSet: [timer(a, actor, 'k', 't', 0.5)] }],
          [
            'timersSet[0].kind',
            { ...ok, timersSet: [{ ...timer(a, actor, 'k', 't', 1), kind: 'wall' as never }] },
          ],
          ['progress[0].seq', { ...ok, progress: [{ key: 'k', seq: 1.25 }] }],
          ['progress[0].timerSerial', { ...ok, progress: [{ key: 'k', seq: 1, timerSerial: -1 }] }],
          ['timersSet[0].serial', { ...ok, timersSet: [timer(a, actor, 'k', 't', 1, 'event', 0.5)] }],
          ['batch.keepSnapshots', { ...ok, keepSnapshots: 0 }],
          ['batch.watermark', { ...ok, watermark: -1 }],
        ];
        for (const [path, batch] of bad) {
          const error = await rejection(store.commit(batch));
          expect(error, path).toBeInstanceOf(UnstorableValueError);
          expect((error as UnstorableValueError).path, path).toBe(path);
        }
        expect(await store.load(actor, 'k', stage, 0)).toEqual({
          snapshot: undefined,
          events: [],
          lastAppliedSeq: 0,
          timerSerial: 0,
        });
        expect(await store.outbox(stage, 0)).toEqual([]);
        expect(await store.timers(stage, 0)).toEqual([]);
        await expect(store.load(actor, 'k\u0000', stage, 0)).rejects.toBeInstanceOf(UnstorableValueError);
        await expect(store.claim(stage, 0.5, 'a')).rejects.toBeInstanceOf(UnstorableValueError);
        await expect(store.claim('nul\u0000', 0, 'a')).rejects.toBeInstanceOf(UnstorableValueError);
        await store.commit(ok);
        expect((await store.load(actor, 'k', stage, 0)).events).toEqual([event(actor, 'k', 1)]);
      });

      it('what it hands out is a copy: mutating the batch or a result changes nothing', {
        timeout,
      }, async () => {
        const a = await store.claim(stage, 0, 'a');
        const data = { list: [1, 2], inner: { n: 1 } };
        const row = outboxRow(a, 'm', 1, { n: 1 });
        const headers = { h: 'v' };
        await store.commit({
          ...emptyBatch(a),
          events: [event(actor, 'k', 1, data)],
          snapshots: [snapshot(actor, 'k', 1, data)],
          outbox: [{ ...row, headers }],
        });
        data.list.push(3);
        data.inner.n = 2;
        headers.h = 'changed';
        const tryMutate = (target: unknown): void => {
          try {
            const t = target as { list: number[]; inner: { n: number }; h: string; n: number };
            t.list?.push(4);
            if (t.inner) t.inner.n = 3;
            t.h = 'mutated';
            t.n = 5;
          } catch {
            // Frozen results refuse; fresh copies accept. Either way the store must not change.
          }
        };
        tryMutate((await store.journal(actor, 'k'))[0]?.data);
        tryMutate((await store.load(actor, 'k', stage, 0)).snapshot?.state);
        tryMutate((await store.outbox(stage, 0))[0]?.headers);
        tryMutate((await store.outbox(stage, 0))[0]?.payload);
        expect((await store.journal(actor, 'k'))[0]?.data).toEqual({ list: [1, 2], inner: { n: 1 } });
        expect((await store.snapshots(actor, 'k'))[0]?.state).toEqual({ list: [1, 2], inner: { n: 1 } });
        expect(await store.outbox(stage, 0)).toEqual([{ ...row, headers: { h: 'v' } }]);
      });
    });

    describe('close', () => {
      it('is idempotent, and every call after it throws StoreClosedError', { timeout }, async () => {
        await store.close();
        await store.close();
        const calls: [string, () => Promise<unknown>][] = [
          ['migrate', () => store.migrate()],
          ['claim', () => store.claim(stage, 0, 'a')],
          ['commit', () => store.commit(emptyBatch({ stage, partition: 0, epoch: 1 }))],
          ['load', () => store.load(actor, 'k', stage, 0)],
          ['loadMany', () => store.loadMany(actor, ['k'], stage, 0)],
          ['journal', () => store.journal(actor, 'k')],
          ['snapshots', () => store.snapshots(actor, 'k')],
          ['keys', () => store.keys(actor)],
          ['outbox', () => store.outbox(stage, 0)],
          ['deleteOutbox', () => store.deleteOutbox(stage, 0, ['m'])],
          ['timers', () => store.timers(stage, 0)],
        ];
        for (const [label, call] of calls) {
          expect(await rejection(call()), label).toBeInstanceOf(StoreClosedError);
        }
      });
    });

    describe('property', () => {
      it('random commits of competing owners leave what a model of the contract says', {
        timeout: Math.max(timeout, 120_000),
      }, async () => {
        await fc.assert(
          modelProperty(() => store, unique),
          { numRuns: options.propertyRuns ?? 50 },
        );
      });
    });
  });
}
