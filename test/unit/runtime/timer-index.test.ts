import { describe, expect, it } from 'vitest';
import { TimerIndex } from '../../../core/runtime/timer-index.ts';
import type { TimerRow } from '../../../core/store/store.ts';

const row = (
  key: string,
  name: string,
  kind: 'event' | 'processing',
  at: number,
  serial: number,
): TimerRow => ({
  actor: 'a',
  key,
  name,
  kind,
  at,
  stage: 's',
  partition: 0,
  serial,
});

describe('TimerIndex', () => {
  it('returns due timers of one kind in time order, once', () => {
    const timers = new TimerIndex([]);
    timers.set('k2', 'b', { kind: 'event', at: 30, serial: 1 });
    timers.set('k1', 'a', { kind: 'event', at: 10, serial: 1 });
    timers.set('k1', 'p', { kind: 'processing', at: 5, serial: 2 });
    expect(timers.due('event', 9)).toEqual([]);
    expect(timers.due('event', 30)).toEqual([
      { key: 'k1', name: 'a', at: 10, serial: 1 },
      { key: 'k2', name: 'b', at: 30, serial: 1 },
    ]);
    expect(timers.due('event', 1_000)).toEqual([]);
    expect(timers.due('processing', 5)).toEqual([{ key: 'k1', name: 'p', at: 5, serial: 2 }]);
  });

  it('keeps due timers in the map until they are deleted', () => {
    const timers = new TimerIndex([]);
    timers.set('k', 'a', { kind: 'event', at: 10, serial: 1 });
    expect(timers.due('event', 10)).toHaveLength(1);
    expect(timers.get('k', 'a')).toEqual({ kind: 'event', at: 10, serial: 1 });
    timers.delete('k', 'a');
    expect(timers.get('k', 'a')).toBeUndefined();
  });

  it('does not fire a moved timer at its old time (lazy deletion)', () => {
    const timers = new TimerIndex([]);
    timers.set('k', 'a', { kind: 'event', at: 10, serial: 1 });
    timers.set('k', 'a', { kind: 'event', at: 20, serial: 2 });
    expect(timers.due('event', 15)).toEqual([]);
    expect(timers.due('event', 25)).toEqual([{ key: 'k', name: 'a', at: 20, serial: 2 }]);
  });

  it('fires a timer moved earlier at its new time only', () => {
    const timers = new TimerIndex([]);
    timers.set('k', 'a', { kind: 'event', at: 20, serial: 1 });
    timers.set('k', 'a', { kind: 'event', at: 10, serial: 2 });
    expect(timers.due('event', 10)).toEqual([{ key: 'k', name: 'a', at: 10, serial: 2 }]);
    expect(timers.due('event', 100)).toEqual([]);
  });

  it('fires a timer set again at the same time once, as the newer setting', () => {
    const timers = new TimerIndex([]);
    timers.set('k', 'a', { kind: 'event', at: 10, serial: 1 });
    timers.set('k', 'a', { kind: 'event', at: 10, serial: 2 });
    expect(timers.due('event', 10)).toEqual([{ key: 'k', name: 'a', at: 10, serial: 2 }]);
    expect(timers.due('event', 100)).toEqual([]);
  });

  it('does not fire a cancelled timer', () => {
    const timers = new TimerIndex([]);
    timers.set('k', 'a', { kind: 'event', at: 10, serial: 1 });
    timers.set('k', 'b', { kind: 'processing', at: 10, serial: 2 });
    timers.delete('k', 'a');
    timers.delete('k', 'b');
    timers.delete('nobody', 'x');
    expect(timers.due('event', 100)).toEqual([]);
    expect(timers.due('processing', 100)).toEqual([]);
  });

  it('does not fire a timer under its old kind after it changed kind', () => {
    const timers = new TimerIndex([]);
    timers.set('k', 'a', { kind: 'event', at: 10, serial: 1 });
    timers.set('k', 'a', { kind: 'processing', at: 10, serial: 2 });
    expect(timers.due('event', 100)).toEqual([]);
    expect(timers.due('processing', 100)).toEqual([{ key: 'k', name: 'a', at: 10, serial: 2 }]);
  });

  it('does not fire a cancelled then re-set timer at the cancelled time', () => {
    const timers = new TimerIndex([]);
    timers.set('k', 'a', { kind: 'event', at: 10, serial: 1 });
    timers.delete('k', 'a');
    timers.set('k', 'a', { kind: 'event', at: 50, serial: 2 });
    expect(timers.due('event', 40)).toEqual([]);
    expect(timers.due('event', 50)).toEqual([{ key: 'k', name: 'a', at: 50, serial: 2 }]);
  });

  it('keeps an unscheduled timer in the map without firing it from the heap', () => {
    const timers = new TimerIndex([]);
    timers.set('k', 'a', { kind: 'event', at: 10, serial: 1 }, false);
    expect(timers.get('k', 'a')).toEqual({ kind: 'event', at: 10, serial: 1 });
    expect(timers.due('event', 100)).toEqual([]);
  });

  it('loads and schedules stored rows with their serials', () => {
    const timers = new TimerIndex([row('k1', 'a', 'event', 10, 3), row('k2', 'b', 'processing', 20, 7)]);
    expect(timers.get('k2', 'b')).toEqual({ kind: 'processing', at: 20, serial: 7 });
    expect(timers.due('event', 10)).toEqual([{ key: 'k1', name: 'a', at: 10, serial: 3 }]);
    expect(timers.due('processing', 20)).toEqual([{ key: 'k2', name: 'b', at: 20, serial: 7 }]);
  });
});
