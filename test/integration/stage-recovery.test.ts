import { describe, expect, it } from 'vitest';
import { defineActor } from '../../core/actor/actor-definition.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import type { Logger } from '../../core/logger.ts';
import { replayKey } from '../../core/replay/replay-key.ts';
import { Stage } from '../../core/stage/stage.ts';
import type { Json, PartitionClaim } from '../../core/store/store.ts';
import { waitUntil } from '../services/wait-until.ts';
import { LoadObservingStore } from './load-observing-store.ts';

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

async function payloads(log: MemoryLog, subject: string): Promise<Json[]> {
  return (await byMsgId(log, subject)).map(([, payload]) => payload);
}

/** Outputs in msg id order: the same ids and payloads whatever order keys finished in. */
async function byMsgId(log: MemoryLog, subject: string): Promise<[string, Json][]> {
  const out: [string, Json][] = [];
  for await (const env of log.read(subject, 0, 1))
    out.push([env.id, JSON.parse(decoder.decode(env.payload)) as Json]);
  return out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The observed MemoryStore, counting claims too. */
class ObservedStore extends LoadObservingStore {
  claims = 0;
  override async claim(stage: string, partition: number, owner: string): Promise<PartitionClaim> {
    this.claims++;
    return super.claim(stage, partition, owner);
  }
}

type Account = { readonly balance: number; readonly deposits: readonly number[] };
type Deposited = { readonly type: 'Deposited'; readonly amount: number };

/** Keeps the order of deposits in its state, so a lost, doubled or reordered input shows. */
const account = defineActor({
  name: 'account',
  initial: (): Account => ({ balance: 0, deposits: [] }),
  decide: (state: Account, input: { amount: number }, ctx) => {
    ctx.emit({ balance: state.balance + input.amount, n: state.deposits.length + 1 });
    return [{ type: 'Deposited', amount: input.amount }] satisfies Deposited[];
  },
  evolve: (s: Account, e: Deposited): Account => ({
    balance: s.balance + e.amount,
    deposits: [...s.deposits, e.amount],
  }),
  snapshot: { every: 3, keep: 2 },
});

describe('Stage recovery (memory log, memory store)', () => {
  it('passivates keys beyond maxActiveKeys and reloads them with the same outcome as an unbounded run', async () => {
    const run = async (maxActiveKeys?: number) => {
      const log = new MemoryLog();
      const store = new ObservedStore();
      await log.ensureTopic({ subject: 'acct.in', partitions: 1 });
      let seq = 0;
      const stage = new Stage({
        name: 'acct',
        log,
        store,
        input: 'acct.in',
        output: 'acct.out',
        actor: account,
        commitEvery: 5,
        commitIntervalMs: 1,
        ...(maxActiveKeys !== undefined ? { maxActiveKeys } : {}),
      });
      await stage.start();
      // Round by round, each committed before the next arrives: the keys of a round are
      // passivated down to maxActiveKeys before they get input again.
      for (let round = 0; round < 5; round++) {
        for (let k = 0; k < 10; k++) {
          await log.append('acct.in', {
            key: `key-${k}`,
            payload: encoder.encode(JSON.stringify({ amount: round * 10 + k })),
            msgId: `in-${++seq}`,
          });
        }
        await until(`round ${round}`, () => stage.watermarks().get(0) === seq);
      }
      await stage.stop();
      const loads = new Map<string, number>();
      for (const { key } of store.loads) loads.set(key, (loads.get(key) ?? 0) + 1);
      const states: Record<string, Json> = {};
      for (const key of await store.keys('account'))
        states[key] = (await replayKey(account, store, key)).state;
      return { outputs: await byMsgId(log, 'acct.out'), states, loads };
    };
    const unbounded = await run();
    const bounded = await run(2);
    expect(bounded.states).toEqual(unbounded.states);
    expect(bounded.outputs).toEqual(unbounded.outputs);
    expect(bounded.outputs).toHaveLength(50);
    expect(Object.keys(bounded.states)).toHaveLength(10);
    expect(bounded.states['key-3']).toEqual({
      balance: 3 + 13 + 23 + 33 + 43,
      deposits: [3, 13, 23, 33, 43],
    });
    expect([...unbounded.loads.values()]).toEqual(new Array(10).fill(1));
    // Round-robin over 10 keys with room for 2: keys are dropped and loaded again.
    expect([...bounded.loads.values()].filter((n) => n > 1).length).toBeGreaterThanOrEqual(5);
  });

  it('recovers a key from its snapshot and the journal tail after a graceful stop', async () => {
    const log = new MemoryLog();
    const store = new ObservedStore();
    await log.ensureTopic({ subject: 'acct.in', partitions: 1 });
    const append = (amount: number, i: number) =>
      log.append('acct.in', {
        key: 'k',
        payload: encoder.encode(JSON.stringify({ amount })),
        msgId: `in-${i}`,
      });
    const stageOf = () =>
      new Stage({
        name: 'acct',
        log,
        store,
        input: 'acct.in',
        output: 'acct.out',
        actor: account,
        commitIntervalMs: 1,
      });
    for (let i = 1; i <= 10; i++) await append(i, i);
    const first = stageOf();
    await first.start();
    await until('ten inputs', () => first.watermarks().get(0) === 10);
    await first.stop();
    expect(store.loads).toHaveLength(1);

    await append(11, 11);
    const second = stageOf();
    await second.start();
    await until('the eleventh input', () => second.watermarks().get(0) === 11);
    await second.stop();

    const load = store.loads[1];
    expect(load?.key).toBe('k');
    expect(load?.record.snapshot?.version).toBe(9);
    expect(load?.record.snapshot?.state).toEqual({ balance: 45, deposits: [1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(load?.record.events.map((e) => e.version)).toEqual([10]);
    // The committed watermark (10) covers every input of the key, so it has no progress row:
    // the second stage reads from seq 11 and has nothing of the key's to skip.
    expect(load?.record.lastAppliedSeq).toBe(0);
    const outputs = await payloads(log, 'acct.out');
    expect(outputs).toHaveLength(11);
    expect(outputs).toContainEqual({ balance: 66, n: 11 });
    const replay = await replayKey(account, store, 'k');
    expect(replay.state).toEqual({ balance: 66, deposits: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] });
    expect(replay.mismatches).toEqual([]);
  });

  describe('upcasting old journal events', () => {
    type Wallet = { readonly cents: number };
    type DepositedV2 = { readonly type: 'Deposited'; readonly cents: number };
    const walletV2 = (withUpcaster: boolean) =>
      defineActor({
        name: 'wallet',
        initial: (): Wallet => ({ cents: 0 }),
        decide: (state: Wallet, input: { cents: number }, ctx) => {
          ctx.emit({ cents: state.cents + input.cents });
          return [{ type: 'Deposited', cents: input.cents }] satisfies DepositedV2[];
        },
        evolve: (s: Wallet, e: DepositedV2): Wallet => {
          if (typeof e.cents !== 'number') throw new TypeError('an unlifted v1 event reached evolve');
          return { cents: s.cents + e.cents };
        },
        eventVersions: { Deposited: 2 },
        upcasters: withUpcaster
          ? [
              {
                type: 'Deposited',
                fromVersion: 1,
                up: (data) => ({ type: 'Deposited', cents: (data as { amount: number }).amount * 100 }),
              },
            ]
          : [],
      });

    /** The journal a v1 deployment left: amounts in whole units. */
    async function v1Journal(): Promise<{ log: MemoryLog; store: ObservedStore }> {
      const log = new MemoryLog();
      const store = new ObservedStore();
      await log.ensureTopic({ subject: 'wallet.in', partitions: 1 });
      const { epoch } = await store.claim('wallet', 0, 'v1');
      await store.commit({
        stage: 'wallet',
        partition: 0,
        epoch,
        events: [2, 3].map((amount, i) => ({
          actor: 'wallet',
          key: 'k',
          version: i + 1,
          type: 'Deposited',
          schemaVersion: 1,
          data: { type: 'Deposited', amount },
          inputSeq: 0,
          eventTime: 0,
        })),
        snapshots: [],
        keepSnapshots: 1,
        outbox: [],
        progress: [],
        timersSet: [],
        timersDeleted: [],
      });
      await log.append('wallet.in', { key: 'k', payload: encoder.encode('{"cents":50}'), msgId: 'in-1' });
      return { log, store };
    }

    it('lifts v1 events through the upcaster when a key is recovered', async () => {
      const { log, store } = await v1Journal();
      const stage = new Stage({
        name: 'wallet',
        log,
        store,
        input: 'wallet.in',
        output: 'wallet.out',
        actor: walletV2(true),
        commitIntervalMs: 1,
      });
      await stage.start();
      await until('the input', () => stage.watermarks().get(0) === 1);
      await stage.stop();
      expect(await payloads(log, 'wallet.out')).toEqual([{ cents: 550 }]);
      const journal = await store.journal('wallet', 'k');
      expect(journal.map((e) => e.schemaVersion)).toEqual([1, 1, 2]);
      expect((await replayKey(walletV2(true), store, 'k')).state).toEqual({ cents: 550 });
    });

    it('fails the partition with the UpcastError, logged, when an upcaster is missing', async () => {
      const { log, store } = await v1Journal();
      const errors: string[] = [];
      const logger: Logger = {
        debug: () => {},
        info: () => {},
        warn: () => {},
        error: (obj) => errors.push(String((obj as { error?: unknown }).error)),
      };
      const stage = new Stage({
        name: 'wallet',
        log,
        store,
        input: 'wallet.in',
        partitions: [0], // claimed outright: this test counts claims
        output: 'wallet.out',
        actor: walletV2(false),
        commitIntervalMs: 1,
        restartDelayMs: 1,
        logger,
      });
      await stage.start();
      // It fails loudly and retries from the committed state; it never applies an unlifted event.
      await until('a restart', () => store.claims >= 2);
      await stage.stop();
      expect(errors.some((e) => e.includes('UpcastError') && e.includes('fromVersion: 1'))).toBe(true);
      expect(await payloads(log, 'wallet.out')).toEqual([]);
      expect(stage.watermarks().get(0)).toBe(0);
    });
  });
});
