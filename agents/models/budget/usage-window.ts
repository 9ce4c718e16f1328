/** Spend of one scope (a key, an agent, a model) over a sliding time window. */
export class UsageWindow {
  readonly #windowMs: number;
  readonly #entries: { at: number; tokens: number; usd: number }[] = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  add(at: number, tokens: number, usd: number): void {
    this.#entries.push({ at, tokens, usd });
  }

  /** What was spent in the window ending at `now`. */
  used(now: number): { tokens: number; usd: number } {
    this.#expire(now);
    let tokens = 0;
    let usd = 0;
    for (const e of this.#entries) {
      tokens += e.tokens;
      usd += e.usd;
    }
    return { tokens, usd };
  }

  /** When the oldest spend leaves the window (what a waiting call waits for); undefined when nothing is spent. */
  nextExpiry(now: number): number | undefined {
    this.#expire(now);
    const first = this.#entries[0];
    return first === undefined ? undefined : first.at + this.#windowMs;
  }

  #expire(now: number): void {
    while (this.#entries.length > 0 && (this.#entries[0]?.at ?? 0) + this.#windowMs <= now)
      this.#entries.shift();
  }
}
