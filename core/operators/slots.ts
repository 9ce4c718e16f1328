import { Observable, type Subscription } from 'rxjs';

/**
 * A fixed number of slots shared by every record that passes one operator:
 * `gate(work)` subscribes to `work` once a slot is free and frees the slot
 * when `work` ends (completes, fails or is unsubscribed). Waiting records
 * start in the order they asked. Built on subscriptions alone, without
 * promises or timers, so it runs under RxJS's virtual time as well.
 */
export class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a whole number of at least 1, got ${capacity}`);
    }
    this.#free = capacity;
  }

  /** How many more could start now. */
  get free(): number {
    return this.#free;
  }

  gate<R>(work: Observable<R>): Observable<R> {
    return new Observable<R>((subscriber) => {
      let held = false;
      let inner: Subscription | undefined;
      const start = (): void => {
        held = true;
        inner = work.subscribe(subscriber);
      };
      if (this.#free > 0) {
        this.#free--;
        start();
      } else {
        this.#waiting.push(start);
      }
      return () => {
        inner?.unsubscribe();
        if (held) this.#release();
        else {
          const at = this.#waiting.indexOf(start);
          if (at >= 0) this.#waiting.splice(at, 1);
        }
      };
    });
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}
