import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../core/runtime/min-heap.ts';

describe('MinHeap', () => {
  it('is empty at first', () => {
    const heap = new MinHeap<string>();
    expect(heap.size).toBe(0);
    expect(heap.peekPriority()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
  });

  it('pops in priority order', () => {
    const heap = new MinHeap<string>();
    for (const [p, v] of [
      [5, 'e'],
      [1, 'a'],
      [4, 'd'],
      [2, 'b'],
      [3, 'c'],
    ] as const) {
      heap.push(p, v);
    }
    expect(heap.size).toBe(5);
    expect(heap.peekPriority()).toBe(1);
    const out: (string | undefined)[] = [];
    while (heap.size > 0) out.push(heap.pop());
    expect(out).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('agrees with a sort for any pushes and pops interleaved', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constant('pop' as const)), {
          maxLength: 200,
        }),
        (ops) => {
          const heap = new MinHeap<number>();
          const model: number[] = [];
          for (const op of ops) {
            if (op === 'pop') {
              model.sort((a, b) => a - b);
              expect(heap.pop()).toBe(model.shift());
            } else {
              heap.push(op, op);
              model.push(op);
            }
            expect(heap.size).toBe(model.length);
            expect(heap.peekPriority()).toBe(model.length === 0 ? undefined : Math.min(...model));
          }
        },
      ),
    );
  });
});
