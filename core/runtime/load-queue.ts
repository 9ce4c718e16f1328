/**
 * Runs at most `limit` loads at once and queues the rest in arrival order. A
 * partition meeting thousands of new keys at once would otherwise put
 * thousands of loads in front of its own commits and lease renewals: PGlite
 * runs one statement at a time, a pg pool a few, and a renewal stuck behind
 * seconds of loads lets the lease run out (the partition is then fenced).
 */
export class LoadQueue {
  readonly #limit: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  run<T>(load: () => Promise<T>): Promise<T> {
    const start = (): Promise<T> => {
      this.#running++;
      return load().finally(() => {
        this.#running--;
        this.#waiting.shift()?.();
      });
    };
    if (this.#running < this.#limit) return start();
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(start);
  }
}
