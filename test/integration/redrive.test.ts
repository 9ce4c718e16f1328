import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { JetStreamLog, streamName } from '../../connectors/jetstream/index.ts';
import { defineActor } from '../../core/actor/actor-definition.ts';
import type { Log } from '../../core/log/log.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { from } from '../../core/pipeline/flow.ts';
import { pipeline } from '../../core/pipeline/pipeline.ts';
import {
  REDRIVEN_FROM_HEADER,
  type RedrivenRecord,
  redriveDeadLetters,
} from '../../core/pipeline/redrive.ts';
import { actor } from '../../core/pipeline/steps.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import { waitUntil } from '../services/wait-until.ts';
import { deleteStreams } from '../support/delete-streams.ts';

// Dead letters go back into their input once the cause is fixed, exactly once, on both logs.
const encoder = new TextEncoder();
const logs: Log[] = [];
const streams: string[] = [];
afterAll(async () => {
  await Promise.all(logs.map((l) => l.close()));
  await deleteStreams(inject('natsUrl'), streams);
});

const kinds = {
  memory: async () => new MemoryLog(),
  jetstream: async () => JetStreamLog.connect({ servers: inject('natsUrl') }),
} as const;

/** Adds amounts; refuses negative ones until `lenient` is set (the fix being deployed). */
let lenient = false;
const adder = defineActor({
  name: 'adder',
  initial: () => ({ total: 0 }),
  decide: (_s: { total: number }, input: { amount: number }) => {
    if (input.amount < 0 && !lenient) throw new RangeError('negative amounts are refused');
    return [{ type: 'Added' as const, amount: input.amount }];
  },
  evolve: (s: { total: number }, e: { type: 'Added'; amount: number }) => ({ total: s.total + e.amount }),
});

describe.each(Object.keys(kinds) as (keyof typeof kinds)[])('redriveDeadLetters on the %s log', (kind) => {
  it('puts fixed records back once, mends payloads, and says why it skips a letter', async () => {
    lenient = false;
    const log = await kinds[kind]();
    logs.push(log);
    const name = `redrive-${randomUUID().slice(0, 8)}`;
    const input = `${name}-in`;
    await log.ensureTopic({ subject: input, partitions: 2 });
    streams.push(streamName(input), streamName(`${name}.dead-letter`));
    const store = new MemoryStore();
    const running = pipeline(
      { name, log, store, commitIntervalMs: 1 },
      from(input, z.object({ amount: z.number(), note: z.string().optional() })).pipe(actor(adder)),
    );
    const letters: unknown[] = [];
    running.deadLetters$.subscribe((d) => letters.push(d.value));
    running.subscribe();
    await running.start();
    // A big payload (over the 16 KiB a dead letter keeps) comes back whole from the input log.
    const big = JSON.stringify({ amount: -5, note: 'x'.repeat(40_000) });
    const bodies = ['{"amount":1}', '{"amount":-2}', big, '{"amount":"3"}', '{"amount":4}'];
    for (const [i, body] of bodies.entries()) {
      await log.append(input, {
        key: i % 2 === 0 ? 'a' : 'b',
        payload: encoder.encode(body),
        msgId: `m${i}`,
      });
    }
    const total = async (key: string) =>
      (await store.journal('adder', key)).reduce((t, e) => t + (e.data as { amount: number }).amount, 0);
    expect(await waitUntil(async () => letters.length === 3, { timeoutMs: 10_000 })).toBeUndefined();

    // The fix is deployed: negative amounts are fine now; the string amount is mended in `fix`.
    lenient = true;
    const fix = (record: RedrivenRecord) => {
      const body = JSON.parse(new TextDecoder().decode(record.payload)) as { amount: unknown };
      return { ...record, payload: encoder.encode(JSON.stringify({ ...body, amount: Number(body.amount) })) };
    };
    const deadLetter = `${name}.dead-letter`;
    const report = await redriveDeadLetters(log, { deadLetter, fix });
    expect(report).toEqual({ read: 3, redriven: 3, duplicates: 0, skipped: [] });
    expect(
      await waitUntil(async () => (await total('a')) === 1 - 5 + 4 && (await total('b')) === -2 + 3, {
        timeoutMs: 10_000,
      }),
    ).toBeUndefined();

    // Run again: the same msg ids, so the log takes none of them a second time.
    expect(await redriveDeadLetters(log, { deadLetter, fix })).toEqual({
      read: 3,
      redriven: 0,
      duplicates: 3,
      skipped: [],
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(await total('a')).toBe(0);
    expect(await total('b')).toBe(1);
    const bigOnes = (await store.journal('adder', 'a')).filter(
      (e) => (e.data as { amount: number }).amount === -5,
    );
    expect(bigOnes).toHaveLength(1);

    // A re-driven record says where it came from.
    let redrivenHeaders = 0;
    const originalTimes = new Set<number>();
    const redrivenTimes: number[] = [];
    for (let p = 0; p < 2; p++) {
      for await (const env of log.read(input, p, 1)) {
        if (env.headers[REDRIVEN_FROM_HEADER]) {
          redrivenHeaders++;
          redrivenTimes.push(env.eventTime);
        } else originalTimes.add(env.eventTime);
      }
    }
    expect(redrivenHeaders).toBe(3);
    // ...and keeps its original's event time, so it lands in the windows it belonged to.
    for (const t of redrivenTimes) expect(originalTimes.has(t)).toBe(true);

    // Letters it cannot use: not a dead letter, and one whose input is gone and was too big to keep.
    await log.append(deadLetter, { key: 'z', payload: encoder.encode('{"hello":1}'), msgId: 'junk' });
    const gone = {
      stage: name,
      actor: 'adder',
      phase: 'decide',
      reason: 'x',
      key: 'a',
      keyValid: true,
      source: {
        subject: input,
        partition: 0,
        seq: 999,
        id: 'gone',
        eventTime: 0,
        headers: {},
        payloadBytes: 20_000,
        payloadSha256: '00',
        payloadPrefixBase64: '',
      },
    };
    await log.append(deadLetter, { key: 'a', payload: encoder.encode(JSON.stringify(gone)), msgId: 'gone' });
    const last = await redriveDeadLetters(log, { deadLetter, fix });
    expect(last).toMatchObject({ read: 5, redriven: 0, duplicates: 3 });
    expect(last.skipped.map((s) => s.reason)).toHaveLength(2);
    expect(last.skipped.map((s) => s.reason)).toEqual(
      expect.arrayContaining([
        `record 999 of ${input}/0 is no longer in the log, and the dead letter kept only 0 of its 20000 bytes`,
        expect.stringMatching(/^not a dead letter: /),
      ]),
    );
    // A fix that makes a record the log refuses (an empty key) skips that record, and the rest go on.
    const refused = await redriveDeadLetters(log, { deadLetter, fix: (r) => ({ ...fix(r), key: '' }) });
    expect(refused).toMatchObject({ read: 5, redriven: 0, duplicates: 0 });
    expect(refused.skipped.filter((s) => s.reason.startsWith('the log refuses it: '))).toHaveLength(3);
    await running.stop();
  }, 60_000);
});
