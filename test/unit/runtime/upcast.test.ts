import { describe, expect, it } from 'vitest';
import type { Upcaster } from '../../../core/actor/actor-definition.ts';
import { makeUpcaster, UpcastError } from '../../../core/actor/upcast.ts';
import type { Json } from '../../../core/store/store.ts';

const v1to2: Upcaster = {
  type: 'Deposited',
  fromVersion: 1,
  up: (data) => {
    const d = data as { amount: number };
    return { cents: d.amount * 100 };
  },
};
const v2to3: Upcaster = {
  type: 'Deposited',
  fromVersion: 2,
  up: (data) => ({ ...(data as { cents: number }), currency: 'EUR' }),
};

describe('makeUpcaster', () => {
  it('chains steps from an old version up to the current one', () => {
    const upcast = makeUpcaster([v2to3, v1to2], { Deposited: 3 });
    expect(upcast('Deposited', 1, { amount: 2 })).toEqual({ cents: 200, currency: 'EUR' });
    expect(upcast('Deposited', 2, { cents: 7 })).toEqual({ cents: 7, currency: 'EUR' });
  });

  it('leaves events at the current version and types without upcasters alone', () => {
    const calls: Json[] = [];
    const counting: Upcaster = {
      ...v1to2,
      up: (d) => {
        calls.push(d);
        return v1to2.up(d);
      },
    };
    const upcast = makeUpcaster([counting, v2to3], { Deposited: 3 });
    const current = { cents: 1, currency: 'USD' };
    expect(upcast('Deposited', 3, current)).toBe(current);
    expect(upcast('Withdrawn', 1, { amount: 1 })).toEqual({ amount: 1 });
    expect(calls).toEqual([]);
  });

  it('defaults every type to version 1 and needs no upcasters then', () => {
    const upcast = makeUpcaster();
    expect(upcast('Anything', 1, { x: 1 })).toEqual({ x: 1 });
  });

  it('stops at the current version even when later upcasters exist', () => {
    const upcast = makeUpcaster([v1to2, v2to3], { Deposited: 2 });
    expect(upcast('Deposited', 1, { amount: 3 })).toEqual({ cents: 300 });
  });

  it('throws UpcastError naming the missing step and how to add it', () => {
    const upcast = makeUpcaster([v1to2], { Deposited: 3 });
    let caught: unknown;
    try {
      upcast('Deposited', 1, { amount: 1 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UpcastError);
    const error = caught as UpcastError;
    expect(error.name).toBe('UpcastError');
    expect(error.type).toBe('Deposited');
    expect(error.fromVersion).toBe(2);
    expect(error.message).toContain('"Deposited"');
    expect(error.message).toContain('schema version 2');
    expect(error.message).toContain('current is 3');
    expect(error.message).toContain("{ type: 'Deposited', fromVersion: 2, up }");
  });

  it('throws for an old event with no upcasters at all', () => {
    const upcast = makeUpcaster([], { Deposited: 2 });
    expect(() => upcast('Deposited', 1, {})).toThrow(UpcastError);
  });
});
