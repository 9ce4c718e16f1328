import { expect, it } from 'vitest';
import { restartBackoff } from '../../../core/stage/restart-backoff.ts';

it('doubles from the base with each attempt up to the cap, within ±20% jitter', () => {
  const mid = () => 0.5;
  expect([1, 2, 3, 4, 5].map((n) => restartBackoff(n, 500, 30_000, mid))).toEqual([
    500, 1000, 2000, 4000, 8000,
  ]);
  expect(restartBackoff(7, 500, 30_000, mid)).toBe(30_000);
  expect(restartBackoff(1_000, 500, 30_000, mid)).toBe(30_000);
  expect(restartBackoff(1, 500, 30_000, () => 0)).toBe(400);
  expect(restartBackoff(1, 500, 30_000, () => 0.999_999)).toBe(600);
});
