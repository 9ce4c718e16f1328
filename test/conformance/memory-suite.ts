import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FencedError } from '../../core/errors/fenced-error.ts';
import { JournalConflictError } from '../../core/errors/journal-conflict-error.ts';
import type { CommitBatch, MemoryChange, Store } from '../../core/store/store.ts';
import type { LongTermMemory, MemoryCollection } from '../../memory/long-term/long-term-memory.ts';
import { MemoryCollectionError, MemoryInputError } from '../../memory/long-term/memory-errors.ts';
import type { MemoryUpsert } from '../../memory/long-term/memory-record.ts';
import { emptyBatch } from './store-fixtures.ts';

export interface OpenedMemory {
  readonly memory: LongTermMemory;
  /** The store the memory lives in: its commits write memories in their transaction. */
  readonly store: Store;
  readonly close: () => Promise<void>;
}

const T = 1_800_000_000_000;
let serial = 0;
const unique = (what: string) => `${what}_${process.pid}_${++serial}`;

const unit = (v: readonly number[]): number[] => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
const cosine = (a: readonly number[], b: readonly number[]) =>
  a.reduce((s, x, i) => s + x * (b[i] as number), 0) / (Math.hypot(...a) * Math.hypot(...b));

function upsert(
  namespace: string,
  id: string,
  embedding: number[],
  extra: Partial<MemoryUpsert> = {},
): MemoryUpsert {
  return { kind: 'upsert', namespace, id, text: `memory ${id}`, embedding, at: T, ...extra };
}

/** The behaviour every LongTermMemory must have, against a real database. */
export function memoryConformance(name: string, open: () => Promise<OpenedMemory>): void {
  describe(`${name}: long-term memory`, () => {
    let opened: OpenedMemory;
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(() => opened?.close());
    const collection = (dimensions = 3, dedupThreshold?: number): Promise<MemoryCollection> =>
      opened.memory.collection({
        name: unique('c'),
        dimensions,
        ...(dedupThreshold === undefined ? {} : { dedupThreshold }),
      });

    it('writes, reads back and recalls by cosine similarity, nearest first, with scores', async () => {
      const c = await collection();
      const out = await c.write([
        upsert('a', 'x', [1, 0, 0], { metadata: { kind: 'note' } }),
        upsert('a', 'y', [0.9, 0.1, 0]),
        upsert('a', 'z', [0, 0, 1]),
      ]);
      expect(out.map((o) => o.kind)).toEqual(['inserted', 'inserted', 'inserted']);
      const got = await c.get('a', 'x');
      expect(got).toEqual({
        namespace: 'a',
        id: 'x',
        text: 'memory x',
        embedding: [1, 0, 0],
        metadata: { kind: 'note' },
        createdAt: T,
        updatedAt: T,
        expiresAt: undefined,
      });
      const hits = await c.recall({ namespaces: ['a'], embedding: [1, 0.05, 0], k: 2, now: T });
      expect(hits.map((h) => h.record.id)).toEqual(['x', 'y']);
      expect(hits[0]?.score).toBeCloseTo(cosine([1, 0.05, 0], [1, 0, 0]), 5);
    });

    it('never recalls another namespace, and searches several when asked', async () => {
      const c = await collection();
      await c.write([
        upsert('alice', 'a1', [1, 0, 0]),
        upsert('bob', 'b1', [1, 0, 0]),
        upsert('team', 't1', [1, 0, 0]),
      ]);
      const own = await c.recall({ namespaces: ['alice'], embedding: [1, 0, 0], k: 10, now: T });
      expect(own.map((h) => h.record.id)).toEqual(['a1']);
      const shared = await c.recall({ namespaces: ['alice', 'team'], embedding: [1, 0, 0], k: 10, now: T });
      expect(shared.map((h) => h.record.id).sort()).toEqual(['a1', 't1']);
    });

    it('updates and deletes by id; says what each write did', async () => {
      const c = await collection();
      await c.write([upsert('n', 'm', [1, 0, 0])]);
      const out = await c.write([
        upsert('n', 'm', [0, 1, 0], { text: 'changed', at: T + 5 }),
        { kind: 'delete', namespace: 'n', id: 'gone' },
      ]);
      expect(out).toEqual([
        { kind: 'updated', id: 'm' },
        { kind: 'deleted', id: 'gone', existed: false },
      ]);
      expect(await c.get('n', 'm')).toMatchObject({
        text: 'changed',
        embedding: [0, 1, 0],
        createdAt: T,
        updatedAt: T + 5,
      });
      expect(await c.write([{ kind: 'delete', namespace: 'n', id: 'm' }])).toEqual([
        { kind: 'deleted', id: 'm', existed: true },
      ]);
      expect(await c.get('n', 'm')).toBeUndefined();
    });

    it('filters by metadata containment, time range and minimum score', async () => {
      const c = await collection();
      await c.write([
        upsert('n', 'old', [1, 0, 0], { metadata: { service: 'checkout', sev: 1 }, at: T - 1_000 }),
        upsert('n', 'new', [1, 0.1, 0], { metadata: { service: 'checkout', sev: 2 }, at: T }),
        upsert('n', 'other', [1, 0, 0.1], { metadata: { service: 'search' }, at: T }),
        upsert('n', 'far', [0, 0, 1], { metadata: { service: 'checkout' }, at: T }),
      ]);
      const ids = async (q: object) =>
        (await c.recall({ namespaces: ['n'], embedding: [1, 0, 0], k: 10, now: T, ...q })).map(
          (h) => h.record.id,
        );
      expect((await ids({ metadata: { service: 'checkout' } })).sort()).toEqual(['far', 'new', 'old']);
      expect(await ids({ metadata: { service: 'checkout' }, createdFrom: T })).toEqual(['new', 'far']);
      expect(await ids({ createdBefore: T })).toEqual(['old']);
      expect((await ids({ minScore: 0.9 })).sort()).toEqual(['new', 'old', 'other']);
    });

    it('stops recalling expired memories and purges them', async () => {
      const c = await collection();
      await c.write([upsert('n', 'short', [1, 0, 0], { expiresAt: T + 10 }), upsert('n', 'long', [1, 0, 0])]);
      const at = async (now: number) =>
        (await c.recall({ namespaces: ['n'], embedding: [1, 0, 0], now })).map((h) => h.record.id).sort();
      expect(await at(T)).toEqual(['long', 'short']);
      expect(await at(T + 10)).toEqual(['long']);
      expect(await c.purgeExpired(T + 10)).toBe(1);
      expect(await c.count('n')).toBe(1);
    });

    it('finds exact words in hybrid recall that the vectors alone rank low', async () => {
      const c = await collection();
      await c.write([
        upsert('ops', 'near', [1, 0, 0], { text: 'payments are slow today' }),
        upsert('ops', 'code', [0, 1, 0], { text: 'checkout fails with ECONNRESET from the ledger' }),
        upsert('ops', 'mid', [0.7, 0.7, 0], { text: 'restart the worker' }),
      ]);
      const vector = await c.recall({ namespaces: ['ops'], embedding: [1, 0, 0], k: 2, now: T });
      expect(vector.map((h) => h.record.id)).toEqual(['near', 'mid']);
      const hybrid = await c.recall({
        namespaces: ['ops'],
        embedding: [1, 0, 0],
        k: 2,
        now: T,
        text: 'ECONNRESET',
      });
      expect(hybrid.map((h) => h.record.id)).toContain('code');
      expect(hybrid[0]?.rrf).toBeGreaterThan(0);
    });

    it('merges a near-identical memory into the one it repeats, when the collection dedups', async () => {
      const c = await collection(3, 0.98);
      await c.write([upsert('n', 'first', [1, 0, 0])]);
      const out = await c.write([
        upsert('n', 'again', [1, 0.01, 0], { text: 'said again', at: T + 1 }),
        upsert('n', 'new', [0, 1, 0]),
      ]);
      expect(out[0]).toMatchObject({ kind: 'merged', id: 'again', into: 'first' });
      expect(out[1]).toEqual({ kind: 'inserted', id: 'new' });
      expect(await c.count('n')).toBe(2);
      expect(await c.get('n', 'first')).toMatchObject({ text: 'said again', updatedAt: T + 1 });
      // Another namespace's copy is its own memory.
      expect((await c.write([upsert('m', 'again', [1, 0, 0])]))[0]).toEqual({
        kind: 'inserted',
        id: 'again',
      });
    });

    it('refuses bad input with typed errors, writing nothing of the batch', async () => {
      const c = await collection();
      await expect(c.write([upsert('n', 'ok', [1, 0, 0]), upsert('n', 'bad', [1, 0])])).rejects.toThrow(
        MemoryInputError,
      );
      await expect(c.write([upsert('n', 'nan', [1, Number.NaN, 0])])).rejects.toThrow(/finite/);
      await expect(c.write([upsert('', 'x', [1, 0, 0])])).rejects.toThrow(/namespace/);
      await expect(c.recall({ namespaces: [], embedding: [1, 0, 0] })).rejects.toThrow(MemoryInputError);
      expect(await c.count()).toBe(0);
      await expect(opened.memory.collection({ name: 'Bad-Name', dimensions: 3 })).rejects.toThrow(
        MemoryCollectionError,
      );
      await expect(opened.memory.collection({ name: unique('d'), dimensions: 0 })).rejects.toThrow(
        /dimensions/,
      );
      const name = unique('fixed');
      await opened.memory.collection({ name, dimensions: 3 });
      await expect(opened.memory.collection({ name, dimensions: 4 })).rejects.toThrow(/3-dimensional/);
    });

    it('uses the HNSW index for recall, and exact search when asked, with the same answers on a small collection', async () => {
      const c = await collection(8);
      const rows = Array.from({ length: 60 }, (_, i) =>
        upsert(
          `ns${i % 3}`,
          `r${i}`,
          unit(Array.from({ length: 8 }, (_, j) => Math.sin(i * 7 + j * 3) + 1.1)),
        ),
      );
      await c.write(rows);
      const q = unit(Array.from({ length: 8 }, (_, j) => Math.cos(j)));
      const indexed = await c.recall({ namespaces: ['ns0', 'ns1', 'ns2'], embedding: q, k: 5, now: T });
      const exact = await c.recall({
        namespaces: ['ns0', 'ns1', 'ns2'],
        embedding: q,
        k: 5,
        now: T,
        exact: true,
      });
      expect(indexed.map((h) => h.record.id)).toEqual(exact.map((h) => h.record.id));
    });

    it('writes memories in the commit that journals their events, and not at all when the commit fails', async () => {
      const c = await collection();
      const { store } = opened;
      const stage = unique('stage');
      const claim = await store.claim(stage, 0, 'me');
      const row = (id: string, v: number[]): MemoryChange => ({
        kind: 'upsert',
        row: {
          collection: c.name,
          namespace: 'k',
          id,
          text: `t ${id}`,
          embedding: v,
          metadata: { n: 1 },
          at: T,
          expiresAt: null,
        },
      });
      const batch = (epoch: number, version: number, memories: MemoryChange[]): CommitBatch => ({
        ...emptyBatch({ stage, partition: 0, epoch }),
        events: [
          {
            actor: 'a',
            key: 'k',
            version,
            type: 'Noted',
            schemaVersion: 1,
            data: { type: 'Noted' },
            inputSeq: version,
            eventTime: T,
          },
        ],
        memories,
      });
      // The last write of a record in a batch wins.
      await store.commit(
        batch(claim.epoch, 1, [row('m1', [1, 0, 0]), row('m2', [0, 1, 0]), row('m1', [0, 0, 1])]),
      );
      expect(await c.get('k', 'm1')).toMatchObject({ embedding: [0, 0, 1], metadata: { n: 1 } });
      expect(await c.count('k')).toBe(2);
      // A journal conflict undoes the memory writes with everything else.
      await expect(store.commit(batch(claim.epoch, 1, [row('m3', [1, 1, 0])]))).rejects.toThrow(
        JournalConflictError,
      );
      expect(await c.get('k', 'm3')).toBeUndefined();
      // So does a fenced commit.
      await store.claim(stage, 0, 'someone-else');
      await expect(store.commit(batch(claim.epoch, 2, [row('m4', [1, 1, 0])]))).rejects.toThrow(FencedError);
      expect(await c.get('k', 'm4')).toBeUndefined();
      const mine = await store.claim(stage, 0, 'me');
      await store.commit(
        batch(mine.epoch, 2, [{ kind: 'delete', collection: c.name, namespace: 'k', id: 'm2' }]),
      );
      expect(await c.count('k')).toBe(1);
      // A collection nobody opened fails the commit, saying what to do, and writes nothing.
      const stray: MemoryChange = {
        kind: 'upsert',
        row: {
          collection: 'never_opened',
          namespace: 'k',
          id: 'm5',
          text: 't',
          embedding: [1, 0, 0],
          metadata: {},
          at: T,
          expiresAt: null,
        },
      };
      await expect(store.commit(batch(mine.epoch, 3, [stray]))).rejects.toThrow(/open it with sqlMemory/);
      expect((await store.load('a', 'k', stage, 0)).events.map((e) => e.version)).toEqual([1, 2]);
    });

    it("finds a key's memories through the index among many other keys' (filtered scans go on until they have k)", async () => {
      const c = await collection(8);
      const rows: MemoryUpsert[] = [];
      for (let i = 0; i < 1500; i++) {
        rows.push(
          upsert(
            `key-${i % 300}`,
            `m${i}`,
            unit(Array.from({ length: 8 }, (_, j) => Math.sin(i * 13 + j * 5) + 1.2)),
          ),
        );
      }
      for (let i = 0; i < rows.length; i += 500) await c.write(rows.slice(i, i + 500));
      const q = unit(Array.from({ length: 8 }, (_, j) => Math.cos(j * 2)));
      for (const ns of ['key-7', 'key-123', 'key-299']) {
        const indexed = await c.recall({ namespaces: [ns], embedding: q, k: 4, now: T });
        const exact = await c.recall({ namespaces: [ns], embedding: q, k: 4, now: T, exact: true });
        expect(exact).toHaveLength(4);
        expect(indexed.map((h) => h.record.id)).toEqual(exact.map((h) => h.record.id));
      }
    });

    it('answers like a brute-force reference over random writes, deletes and namespaces (exact mode)', async () => {
      const c = await collection(4);
      const vec = fc
        .array(fc.integer({ min: -5, max: 5 }), { minLength: 4, maxLength: 4 })
        .filter((v) => v.some((x) => x !== 0));
      const ops = fc.array(
        fc.oneof(
          fc.record({
            kind: fc.constant('upsert' as const),
            ns: fc.constantFrom('a', 'b', 'c'),
            id: fc.constantFrom('1', '2', '3', '4'),
            v: vec,
          }),
          fc.record({
            kind: fc.constant('delete' as const),
            ns: fc.constantFrom('a', 'b', 'c'),
            id: fc.constantFrom('1', '2', '3', '4'),
          }),
        ),
        { maxLength: 20 },
      );
      let round = 0;
      await fc.assert(
        fc.asyncProperty(
          ops,
          vec,
          fc.subarray(['a', 'b', 'c'], { minLength: 1 }),
          async (list, q, namespaces) => {
            const prefix = `r${++round}-`;
            const model = new Map<string, { ns: string; id: string; v: number[] }>();
            for (const op of list) {
              const key = `${op.ns}/${op.id}`;
              if (op.kind === 'upsert') model.set(key, { ns: op.ns, id: op.id, v: op.v });
              else model.delete(key);
              await c.write([
                op.kind === 'upsert'
                  ? upsert(prefix + op.ns, op.id, op.v)
                  : { kind: 'delete', namespace: prefix + op.ns, id: op.id },
              ]);
            }
            const hits = await c.recall({
              namespaces: namespaces.map((n) => prefix + n),
              embedding: q,
              k: 3,
              exact: true,
              now: T,
            });
            for (const h of hits) expect(namespaces.map((n) => prefix + n)).toContain(h.record.namespace);
            const expected = [...model.values()]
              .filter((m) => namespaces.includes(m.ns))
              .map((m) => ({ key: `${m.ns}/${m.id}`, score: cosine(q, m.v) }))
              .sort((x, y) => y.score - x.score);
            expect(hits.map((h) => h.score)).toEqual(
              expected.slice(0, 3).map((e) => expect.closeTo(e.score, 5)),
            );
          },
        ),
        { numRuns: 25 },
      );
    });
  });
}
