/** What an `IdleWatch` says. */
export interface IdleHooks {
  /** Work is still in flight (inputs not yet committed): not idle, however long since the last arrival. */
  busy(): boolean;
  /** Nothing arrived for the timeout. */
  idle(): void;
  /** Something arrived after `idle` was said. */
  active(): void;
}

/**
 * Says once when nothing arrived for `timeoutMs` (wall clock), and again
 * after the next arrival goes quiet as long: how a partition with no input
 * tells the partitions downstream not to wait for its event time.
 *
 * @example
 * const watch = new IdleWatch(10_000, { idle: () => committer.idle(), active: () => committer.active() });
 * watch.touched(); // on every delivery
 */
export class IdleWatch {
  readonly #timeoutMs: number;
  readonly #hooks: IdleHooks;
  #last = Date.now();
  #said = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(timeoutMs: number, hooks: IdleHooks) {
    this.#timeoutMs = timeoutMs;
    this.#hooks = hooks;
    this.#timer = setInterval(() => this.#check(), Math.max(5, Math.min(1_000, timeoutMs / 4)));
    this.#timer.unref?.();
  }

  touched(): void {
    this.#last = Date.now();
    if (!this.#said) return;
    this.#said = false;
    this.#hooks.active();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #check(): void {
    if (this.#said || Date.now() - this.#last < this.#timeoutMs) return;
    // Its outputs are still to come, and they would be late downstream of an idle mark.
    if (this.#hooks.busy()) {
      this.#last = Date.now();
      return;
    }
    this.#said = true;
    this.#hooks.idle();
  }
}
