import { Observable, of, throwError } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { AsyncCallTimeoutError } from '../../../core/errors/async-call-timeout-error.ts';
import { asyncMap } from '../../../core/operators/async-map.ts';

// Virtual time: timeouts, backoff and the services' latencies are frames ('-' = 1 ms).
const scheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const fixed = { random: () => 0.5 }; // no jitter: backoff is exactly retryDelayMs * 2^(n-1)

describe('asyncMap', () => {
  it('hands on each result, records in order', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const service = (n: number): Observable<number> => cold('--r|', { r: n * 10 });
      const source = cold('a-b|', { a: 1, b: 2 });
      expectObservable(source.pipe(asyncMap(service, { capacity: 4 }))).toBe('--x--y|', { x: 10, y: 20 }); // b's call starts when a's ends
    });
  });

  it('keeps at most `capacity` calls in flight across everything that passes it', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      let inFlight = 0;
      let most = 0;
      const service = (n: number): Observable<number> =>
        new Observable<number>((subscriber) => {
          inFlight++;
          most = Math.max(most, inFlight);
          const inner = cold('----r|', { r: n }).subscribe(subscriber);
          return () => {
            inFlight--;
            inner.unsubscribe();
          };
        });
      const op = asyncMap(service, { capacity: 2 });
      // Three records of three keys at once: the third waits for a slot.
      expectObservable(of(1).pipe(op)).toBe('----a|', { a: 1 });
      expectObservable(of(2).pipe(op)).toBe('----a|', { a: 2 });
      expectObservable(of(3).pipe(op)).toBe('---------a|', { a: 3 });
      flush();
      expect(most).toBe(2);
      expect(inFlight).toBe(0);
    });
  });

  it('times an attempt out, aborts it, and retries with backoff', () => {
    scheduler().run(({ cold, expectObservable, flush }) => {
      const aborted: number[] = [];
      const service = (_: number, { attempt, signal }: { attempt: number; signal: AbortSignal }) => {
        signal.addEventListener('abort', () => aborted.push(attempt));
        // The first attempt hangs; the second answers at once.
        return attempt === 1 ? cold<number>('-') : cold('r|', { r: attempt });
      };
      const op = asyncMap(service, { timeoutMs: 5, retryDelayMs: 3, ...fixed });
      // 5 ms to time out, 3 ms of backoff, then the answer.
      expectObservable(of(0).pipe(op)).toBe('--------a|', { a: 2 });
      flush();
      expect(aborted).toEqual([1, 2]); // the timed-out attempt, and the finished one's signal on cleanup
    });
  });

  it('gives up after `retries` and fails with a typed timeout error', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const op = asyncMap(() => cold<number>('-'), {
        name: 'geo',
        timeoutMs: 2,
        retries: 1,
        retryDelayMs: 1,
        ...fixed,
      });
      expectObservable(of(0).pipe(op)).toBe('-----#', undefined, new AsyncCallTimeoutError('geo', 2, 2));
    });
  });

  it('does not retry what `retryable` refuses', () => {
    scheduler().run(({ expectObservable, flush }) => {
      let calls = 0;
      const op = asyncMap(
        () => {
          calls++;
          return throwError(() => new TypeError('bad request'));
        },
        { retryable: (e) => !(e instanceof TypeError) },
      );
      expectObservable(of(0).pipe(op)).toBe('#', undefined, new TypeError('bad request'));
      flush();
      expect(calls).toBe(1);
    });
  });

  it('refuses options that cannot work', () => {
    expect(() => asyncMap(() => Promise.resolve(1), { capacity: 0 })).toThrow(/capacity/);
    expect(() => asyncMap(() => Promise.resolve(1), { retries: -1 })).toThrow(/retries/);
    expect(() => asyncMap(() => Promise.resolve(1), { timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
