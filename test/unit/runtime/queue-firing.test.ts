import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../core/log/log.ts';
import { newSlot, nextTask, queueFiring, type Task } from '../../../core/runtime/key-slot.ts';

function input(seq: number, clock: number): Task {
  const delivery: Delivery = {
    envelope: {
      subject: 'in',
      key: 'k',
      seq,
      id: `m${seq}`,
      eventTime: clock,
      payload: new Uint8Array(),
      headers: {},
      partition: 0,
    },
    deliveryCount: 1,
    ack: () => Promise.resolve(),
    working: () => {},
  };
  return { kind: 'input', delivery, clock };
}

function firing(name: string, at: number, serial: number, timerKind: 'event' | 'processing' = 'event') {
  return { kind: 'timer', actor: 0, name, timerKind, at, serial, holdSeq: undefined } as const;
}

const label = (t: Task): string =>
  t.kind === 'input' ? `seq${t.delivery.envelope.seq}` : `${t.name}#${t.serial}`;

describe('queueFiring', () => {
  it('orders the firings before one input by time, then serial, whatever order they come in', () => {
    const orders = [
      [firing('late', 12, 2), firing('early', 0, 3), firing('tie', 12, 1)],
      [firing('early', 0, 3), firing('tie', 12, 1), firing('late', 12, 2)],
    ];
    for (const order of orders) {
      const slot = newSlot('k', [null]);
      slot.queue.push(input(1, 10), input(5, 16));
      // Each goes right before input 5, the first one with the clock past it.
      for (const f of order) queueFiring(slot, f, slot.queue.length - 1);
      expect(slot.queue.map(label)).toEqual(['seq1', 'early#3', 'tie#1', 'late#2', 'seq5']);
    }
  });

  it('never moves a firing before an input, a processing-time firing, or what was taken', () => {
    const slot = newSlot('k', [null]);
    slot.queue.push(input(1, 10), firing('b', 20, 1), firing('p', 0, 2, 'processing'), firing('c', 30, 3));
    queueFiring(slot, firing('a', 5, 4));
    expect(slot.queue.map(label)).toEqual(['seq1', 'b#1', 'p#2', 'a#4', 'c#3']);

    const running = newSlot('k', [null]);
    running.queue.push(firing('x', 50, 1), firing('y', 60, 2));
    nextTask(running);
    queueFiring(running, firing('z', 0, 3));
    expect(running.queue.slice(running.queueHead).map(label)).toEqual(['z#3', 'y#2']);
  });
});
