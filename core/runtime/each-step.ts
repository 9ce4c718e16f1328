import { type OperatorFunction, of } from 'rxjs';
import { hasDefect } from '../defects.ts';
import { UnavailableError } from '../errors/unavailable-error.ts';
import { type Flowing, StepFailure } from './attempt.ts';

/**
 * Runs a user's RxJS operator chain on one record on its own: what it emits
 * are the record's successors (none: dropped; several: split), its
 * completion says the record is fully expanded, its error dead-letters the
 * task (phase `step`) — unless it is an `UnavailableError`, which fails the
 * partition instead (it restarts from its last commit). Each successor keeps the record's key and headers.
 * Returns a promise only when the chain completes later (a Promise or an
 * Observable projection that takes time); `signal` unsubscribes such a chain
 * when its runtime stops at once, so that its timers, retries and calls end
 * with it (the promise then never settles).
 */
export function runEach(
  op: OperatorFunction<unknown, unknown>,
  record: Flowing,
  out: Flowing[],
  signal: AbortSignal,
): Promise<void> | undefined {
  let settled = false;
  let failure: unknown;
  let failed = false;
  let later: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  let emitted = 0;
  const subscription = of(record.value)
    .pipe(op)
    .subscribe({
      next: (value) => {
        if (hasDefect('lose-split-tail') && emitted++ > 0) return;
        out.push({ value, key: record.key, headers: record.headers });
      },
      error: (error: unknown) => {
        settled = true;
        failed = true;
        failure = error;
        later?.reject(asFailure(error));
      },
      complete: () => {
        settled = true;
        later?.resolve();
      },
    });
  if (settled) {
    if (failed) throw asFailure(failure);
    return undefined;
  }
  if (signal.aborted) {
    subscription.unsubscribe();
    return new Promise<void>(() => {});
  }
  return new Promise<void>((resolve, reject) => {
    const cancel = (): void => subscription.unsubscribe();
    signal.addEventListener('abort', cancel, { once: true });
    later = {
      resolve: () => {
        signal.removeEventListener('abort', cancel);
        resolve();
      },
      reject: (error) => {
        signal.removeEventListener('abort', cancel);
        reject(error);
      },
    };
  });
}

/** The record's failure, or the infrastructure's (passed on as it is: the partition restarts). */
function asFailure(error: unknown): unknown {
  return error instanceof UnavailableError ? error : new StepFailure('step', error);
}
