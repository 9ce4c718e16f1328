import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppliedOrigins } from '../../../core/exactly-once/applied-origins.ts';
import { OriginSequencer } from '../../../core/exactly-once/origin-sequencer.ts';

describe('AppliedOrigins', () => {
  it('is a set of sequences per origin that compacts a gap-free prefix', () => {
    const applied = new AppliedOrigins();
    expect(applied.add('a/0', 2)).toBe(true);
    expect(applied.add('a/0', 2)).toBe(false);
    expect(applied.has('a/0', 1)).toBe(false);
    expect(applied.has('b/0', 2)).toBe(false);
    expect(applied.toJson()).toEqual({ 'a/0': [0, 2] });
    applied.add('a/0', 1);
    applied.add('a/0', 5);
    expect(applied.toJson()).toEqual({ 'a/0': [2, 5] });
    expect(applied.has('a/0', 1) && applied.has('a/0', 2) && applied.has('a/0', 5)).toBe(true);
    expect(applied.has('a/0', 3)).toBe(false);
  });

  it('matches a plain set for any arrival order, and survives a JSON round trip', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('x/0', 'x/1', 'y/0'), fc.integer({ min: 1, max: 60 })), {
          maxLength: 200,
        }),
        (arrivals) => {
          const applied = new AppliedOrigins();
          const model = new Set<string>();
          for (const [origin, seq] of arrivals) {
            expect(applied.add(origin, seq)).toBe(!model.has(`${origin}#${seq}`));
            model.add(`${origin}#${seq}`);
          }
          const restored = AppliedOrigins.fromJson(JSON.parse(JSON.stringify(applied.toJson())));
          for (const origin of ['x/0', 'x/1', 'y/0']) {
            for (let seq = 1; seq <= 61; seq++) {
              expect(restored.has(origin, seq)).toBe(model.has(`${origin}#${seq}`));
            }
          }
        },
      ),
    );
  });

  it('tracks whether it changed since it was last written', () => {
    const applied = new AppliedOrigins();
    expect(applied.changed).toBe(false);
    applied.add('a/0', 1);
    expect(applied.changed).toBe(true);
    applied.toJson();
    expect(applied.changed).toBe(false);
    applied.add('a/0', 1);
    expect(applied.changed).toBe(false);
  });
});

describe('OriginSequencer', () => {
  it('numbers each destination from 1 and continues from its committed counters', () => {
    const sequencer = new OriginSequencer();
    expect([sequencer.next('t/0'), sequencer.next('t/0'), sequencer.next('t/1')]).toEqual([1, 2, 1]);
    const next = OriginSequencer.fromJson(sequencer.toJson());
    expect(next.next('t/0')).toBe(3);
    expect(next.next('dead/0')).toBe(1);
  });
});

describe('AppliedOrigins with a gap that never closes', () => {
  it('takes the gap as permanent once too many sequences wait above it, and counts it', () => {
    const applied = new AppliedOrigins();
    for (let seq = 101; seq <= 101 + 4096; seq++) applied.add('old/0', seq);
    expect(applied.gapsClosed).toBe(100);
    expect(applied.toJson()).toEqual({ 'old/0': [101 + 4096] });
  });
});
