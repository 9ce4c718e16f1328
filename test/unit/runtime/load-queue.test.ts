import { expect, it } from 'vitest';
import { LoadQueue } from '../../../core/runtime/load-queue.ts';

it('runs at most its limit at once, the rest in arrival order, and goes on after a failure', async () => {
  const queue = new LoadQueue(2);
  let running = 0;
  let most = 0;
  const started: number[] = [];
  const gates: (() => void)[] = [];
  const results = Array.from({ length: 6 }, (_, i) =>
    queue
      .run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        if (i === 1) throw new Error('load failed');
        return i;
      })
      .catch((error: unknown) => String(error)),
  );
  for (let i = 0; i < 6; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gates.shift()?.();
  }
  expect(await Promise.all(results)).toEqual([0, 'Error: load failed', 2, 3, 4, 5]);
  expect(started).toEqual([0, 1, 2, 3, 4, 5]);
  expect(most).toBe(2);
});
