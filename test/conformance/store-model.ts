import fc from 'fast-check';
import { expect } from 'vitest';
import { FencedError } from '../../core/errors/fenced-error.ts';
import { JournalConflictError } from '../../core/errors/journal-conflict-error.ts';
import type {
  CommitBatch,
  JournalEvent,
  OutboxRow,
  Snapshot,
  Store,
  TimerRow,
} from '../../core/store/store.ts';
import { event, outboxRow, timer } from './store-fixtures.ts';

const KEYS = ['k0', 'k1', 'k2'];
const key = fc.constantFrom(...KEYS);
const timerName = fc.constantFrom('t0', 't1');

const commitOp = fc.record({
  kind: fc.constant('commit' as const),
  stale: fc.boolean(),
  events: fc.array(fc.record({ key, existing: fc.boolean(), n: fc.integer({ min: -5, max: 5 }) }), {
    maxLength: 4,
  }),
  snapshots: fc.array(fc.record({ key, version: fc.integer({ min: 0, max: 8 }), n: fc.integer() }), {
    maxLength: 3,
  }),
  keep: fc.integer({ min: 1, max: 3 }),
  outbox: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 }),
  progress: fc.array(
    fc.record(
      { key, seq: fc.integer({ min: 0, max: 30 }), timerSerial: fc.integer({ min: 0, max: 30 }) },
      { requiredKeys: ['key', 'seq'] },
    ),
    { maxLength: 3 },
  ),
  watermark: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
  eventTimeWatermark: fc.option(fc.integer({ min: -100, max: 100 }), { nil: undefined }),
  timersSet: fc.array(
    fc.record({
      key,
      name: timerName,
      at: fc.integer({ min: 0, max: 99 }),
      serial: fc.integer({ min: 0, max: 30 }),
    }),
    { maxLength: 2 },
  ),
  timersDeleted: fc.array(fc.record({ key, name: timerName }), { maxLength: 2 }),
});
const op = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim' as const) }) },
  { weight: 5, arbitrary: commitOp },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('delete' as const),
      ids: fc.array(fc.integer({ min: 0, max: 5 })),
    }),
  },
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
type CommitOp = Extract<Op, { kind: 'commit' }>;

/**
 * The Store contract restated as plain data, written independently of
 * MemoryStore, for one partition of one stage and one actor.
 */
class Model {
  epoch = 0;
  watermark = 0;
  eventTimeWatermark = 0;
  readonly journal = new Map<string, JournalEvent[]>();
  readonly snapshots = new Map<string, Snapshot[]>();
  readonly outbox = new Map<string, OutboxRow>();
  readonly progress = new Map<string, number>();
  readonly timerSerials = new Map<string, number>();
  readonly timers = new Map<string, TimerRow>();
  position = 0;

  lastVersion(k: string): number {
    return Math.max(0, ...(this.journal.get(k) ?? []).map((e) => e.version));
  }
}

/**
 * fast-check property: a random sequence of claims, commits (some with a stale
 * epoch, some repeating a stored version) and outbox deletes gives, call by
 * call, the outcome the model predicts, and leaves what the model holds.
 */
export function modelProperty(
  store: () => Store,
  unique: (label: string) => string,
): fc.IAsyncPropertyWithHooks<[Op[]]> {
  return fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
    const s = store();
    const stage = unique('model');
    const actor = unique('model-actor');
    const m = new Model();
    for (const o of ops) {
      if (o.kind === 'claim') {
        const claim = await s.claim(stage, 0, 'owner');
        m.epoch++;
        expect(claim).toEqual({
          stage,
          partition: 0,
          owner: 'owner',
          epoch: m.epoch,
          watermark: m.watermark,
          eventTimeWatermark: m.eventTimeWatermark,
          appliedOrigins: {},
          originSequences: {},
        });
      } else if (o.kind === 'delete') {
        await s.deleteOutbox(
          stage,
          0,
          o.ids.map((i) => `m${i}`),
        );
        for (const i of o.ids) m.outbox.delete(`m${i}`);
      } else {
        await commitAndCompare(s, m, o, stage, actor);
      }
    }
    for (const k of KEYS) {
      const journal = m.journal.get(k) ?? [];
      const snaps = m.snapshots.get(k) ?? [];
      const latest = snaps[snaps.length - 1];
      expect(await s.journal(actor, k)).toEqual(journal);
      expect(await s.snapshots(actor, k)).toEqual(snaps);
      expect(await s.load(actor, k, stage, 0)).toEqual({
        snapshot: latest,
        events: journal.filter((e) => e.version > (latest?.version ?? 0)),
        lastAppliedSeq: m.progress.get(k) ?? 0,
        timerSerial: m.timerSerials.get(k) ?? 0,
      });
    }
    expect(await s.keys(actor)).toEqual(KEYS.filter((k) => m.journal.has(k)));
    expect(await s.outbox(stage, 0)).toEqual([...m.outbox.values()].sort((a, b) => a.position - b.position));
    const timers = [...m.timers.values()].sort((a, b) => (a.key + a.name < b.key + b.name ? -1 : 1));
    expect(await s.timers(stage, 0)).toEqual(timers);
  });
}

async function commitAndCompare(
  s: Store,
  m: Model,
  o: CommitOp,
  stage: string,
  actor: string,
): Promise<void> {
  const claim = { stage, partition: 0 };
  const epoch = o.stale ? (m.epoch > 1 ? m.epoch - 1 : m.epoch + 1) : m.epoch;
  const next = new Map<string, number>();
  const repeated = new Set<string>();
  const events = o.events.map((e) => {
    const last = m.lastVersion(e.key);
    // At most one repeat per key, so the batch itself never holds a version twice.
    if (e.existing && last > 0 && !repeated.has(e.key)) {
      repeated.add(e.key);
      return event(actor, e.key, last, { n: e.n });
    }
    const v = next.get(e.key) ?? last + 1;
    next.set(e.key, v + 1);
    return event(actor, e.key, v, { n: e.n });
  });
  const batch: CommitBatch = {
    stage,
    partition: 0,
    epoch,
    events,
    snapshots: o.snapshots.map((x) => ({ actor, key: x.key, version: x.version, state: { n: x.n } })),
    keepSnapshots: o.keep,
    outbox: o.outbox.map((i) => outboxRow(claim, `m${i}`, ++m.position, { i, position: m.position })),
    progress: o.progress,
    timersSet: o.timersSet.map((t) => timer(claim, actor, t.key, t.name, t.at, 'event', t.serial)),
    timersDeleted: o.timersDeleted.map((t) => ({ actor, key: t.key, name: t.name })),
    ...(o.watermark !== undefined ? { watermark: o.watermark } : {}),
    ...(o.eventTimeWatermark !== undefined ? { eventTimeWatermark: o.eventTimeWatermark } : {}),
  };
  let error: unknown;
  await s.commit(batch).catch((e: unknown) => {
    error = e;
  });
  if (m.epoch === 0 || epoch !== m.epoch) {
    expect(error).toBeInstanceOf(FencedError);
    return;
  }
  if (repeated.size > 0) {
    expect(error).toBeInstanceOf(JournalConflictError);
    return;
  }
  expect(error).toBeUndefined();
  apply(m, batch);
}

function apply(m: Model, b: CommitBatch): void {
  for (const e of b.events) {
    const list = m.journal.get(e.key) ?? [];
    list.push(e);
    list.sort((x, y) => x.version - y.version);
    m.journal.set(e.key, list);
  }
  const touched = new Set(b.snapshots.map((x) => x.key));
  for (const k of touched) {
    const byVersion = new Map((m.snapshots.get(k) ?? []).map((x) => [x.version, x]));
    for (const x of b.snapshots) if (x.key === k) byVersion.set(x.version, x);
    const kept = [...byVersion.values()].sort((x, y) => x.version - y.version).slice(-b.keepSnapshots);
    m.snapshots.set(k, kept);
  }
  for (const r of b.outbox) if (!m.outbox.has(r.msgId)) m.outbox.set(r.msgId, r);
  for (const p of b.progress) {
    m.progress.set(p.key, Math.max(m.progress.get(p.key) ?? 0, p.seq));
    m.timerSerials.set(p.key, Math.max(m.timerSerials.get(p.key) ?? 0, p.timerSerial ?? 0));
  }
  for (const t of b.timersDeleted) m.timers.delete(`${t.key}/${t.name}`);
  for (const t of b.timersSet) m.timers.set(`${t.key}/${t.name}`, t);
  if (b.watermark !== undefined) m.watermark = Math.max(m.watermark, b.watermark);
  if (b.eventTimeWatermark !== undefined)
    m.eventTimeWatermark = Math.max(m.eventTimeWatermark, b.eventTimeWatermark);
}
