import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidRecordError, PayloadTooLargeError } from '../../../core/errors/record-refused-error.ts';
import type { Log } from '../../../core/log/log.ts';
import { PAYLOAD_PREFIX_BYTES } from '../../../core/runtime/dead-letter.ts';
import type { Store } from '../../../core/store/store.ts';
import { poisonCases, refusedCases } from './poison-cases.ts';
import { type ForeignRecords, type PlacedCase, type PoisonRun, runPoison } from './poison-run.ts';

export interface PoisonTarget {
  readonly log: () => Promise<{ readonly log: Log; close(): Promise<void> }>;
  readonly store: () => Promise<{ readonly store: Store; close(): Promise<void> }>;
  /** Records a producer outside eddy can write to this log (JetStream: raw publishes). */
  readonly foreign?: ForeignRecords;
}

/**
 * The poison-input contract of a Log × Store pair: every bad record ends as
 * one dead letter with its phase, reason and a bounded prefix of its bytes (or
 * is refused at the source with a typed error), every good record around it is
 * applied exactly once, and no partition ever fails or restarts.
 *
 * @example
 * poisonConformance('memory log × MemoryStore', { log: openMemoryLog, store: openMemoryStore });
 */
export function poisonConformance(name: string, target: PoisonTarget): void {
  describe(`Poison-input conformance: ${name}`, () => {
    let result: PoisonRun;
    const closers: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      const log = await target.log();
      closers.push(() => log.close());
      const store = await target.store();
      closers.push(() => store.close());
      await store.store.migrate();
      const run = `poison-${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
      result = await runPoison(log.log, store.store, run, target.foreign);
    }, 240_000);

    afterAll(async () => {
      for (const close of closers.reverse()) await close();
    });

    it('gets through every record without a partition failing or restarting', () => {
      expect(result.errors).toEqual([]);
      expect(result.metrics).not.toMatch(/eddy_stage_partition_restarts_total\{[^}]*\} [1-9]/);
      expect(result.inputCounts.reduce((a, b) => a + b, 0)).toBe(result.placed.length * 4);
    });

    it('applies every good record exactly once and publishes each output once', () => {
      expect(new Set(result.outputIds).size).toBe(result.outputIds.length);
      expect(result.states.get('control')?.total).toBe(result.placed.length);
      expect(result.outputs.get('control')).toEqual(
        Array.from({ length: result.placed.length }, (_, i) => ({ total: i + 1 })),
      );
    });

    it('writes one dead letter per bad record, and none for anything else', () => {
      const expected = result.placed.filter((p) => p.case.expect.outcome === 'dead-letter');
      const bySource = result.deadLetters.map((d) => `${d.letter.source?.partition}:${d.letter.source?.seq}`);
      expect(bySource.sort()).toEqual(expected.map((p) => `${p.partition}:${p.seq}`).sort());
      const phases = new Map<string, number>();
      for (const p of expected) {
        if (p.case.expect.outcome !== 'dead-letter') continue;
        phases.set(p.case.expect.phase, (phases.get(p.case.expect.phase) ?? 0) + 1);
      }
      for (const [phase, n] of phases) {
        expect(result.metrics).toContain(
          `eddy_stage_dead_letters_total{stage="${stageOf(result)}",phase="${phase}"} ${n}`,
        );
      }
    });

    // One test per case, so a failure says which record broke what.
    const cases = [...poisonCases, ...(target.foreign?.cases ?? [])];
    it.each(cases.map((c) => [c.name, c] as const))('a record with %s', (_name, c) => {
      const placed = result.placed.find((p) => p.case === c);
      if (!placed) throw new Error(`case "${c.name}" was not placed`);
      checkCase(result, placed);
    });

    it.each(refusedCases.map((c) => [c.name, c] as const))(
      'refuses at the source, with nothing appended: %s',
      (_name, c) => {
        const error = result.refusals.get(c);
        const kind = c.error === 'InvalidRecordError' ? InvalidRecordError : PayloadTooLargeError;
        expect(error, c.name).toBeInstanceOf(kind);
        if (c.part !== undefined) expect((error as InvalidRecordError).part).toBe(c.part);
        expect(String((error as Error).message)).toMatch(c.message);
      },
    );
  });
}

function stageOf(result: PoisonRun): string {
  return result.deadLetters[0]?.letter.stage ?? '';
}

/** The dead letter (or the applied outcome) of one case, and the good records around it. */
function checkCase(result: PoisonRun, placed: PlacedCase): void {
  const { key } = placed;
  const label = `${placed.case.name} (key ${JSON.stringify(key.slice(0, 30))}, seq ${placed.seq})`;
  const state = result.states.get(key);
  const totals = (result.outputs.get(key) ?? []).flatMap((o) =>
    typeof o === 'object' && o !== null && 'total' in o ? [o.total] : [],
  );
  const expect_ = placed.case.expect;
  if (expect_.outcome === 'applied') {
    expect(state, label).toEqual({ total: expect_.total, kept: expect_.kept ?? [] });
    expect(totals, label).toEqual(expect_.total === 13 ? [1, 11, 13] : [1, 3]);
    return;
  }
  // The good records before and after it, each exactly once; nothing of the bad one.
  expect(state, label).toEqual({ total: 3, kept: [] });
  expect(totals, label).toEqual([1, 3]);
  const found = result.deadLetters.filter(
    (d) => d.letter.source?.seq === placed.seq && d.letter.source.partition === placed.partition,
  );
  expect(found, label).toHaveLength(1);
  const [{ letter, envelope }] = found as [(typeof found)[number]];
  expect(letter.phase, label).toBe(expect_.phase);
  expect(letter.reason, label).toMatch(expect_.reason);
  expect(letter.reason.length, label).toBeLessThanOrEqual(4_003);
  expect(envelope.headers['Dead-Letter-Phase'], label).toBe(expect_.phase);
  const payload = placed.case.payload;
  const source = letter.source;
  expect(source?.payloadBytes, label).toBe(payload.length);
  expect(source?.payloadSha256, label).toBe(createHash('sha256').update(payload).digest('hex'));
  const prefix = Buffer.from(source?.payloadPrefixBase64 ?? '', 'base64');
  expect(new Uint8Array(prefix), label).toEqual(payload.subarray(0, PAYLOAD_PREFIX_BYTES));
  // A bad key is the problem itself: the letter shows what it was, under a stand-in key.
  expect(letter.keyValid, label).toBe(expect_.phase !== 'key');
  if (letter.keyValid) {
    expect(letter.key, label).toBe(key);
    expect(envelope.key, label).toBe(key);
  }
}
