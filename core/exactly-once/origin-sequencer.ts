import type { Json } from '../store/store.ts';

/**
 * Numbers an upstream partition's outputs per destination (subject and
 * partition): 1, 2, 3, ... without gaps, continued across owners because the
 * counters are committed with the outbox rows they numbered. A downstream
 * partition then keeps what it applied of each origin as a counter (see
 * `AppliedOrigins`).
 *
 * @example
 * const sequencer = OriginSequencer.fromJson(claim.sequences);
 * const seq = sequencer.next('totals/3');
 */
export class OriginSequencer {
  readonly #next = new Map<string, number>();
  #changed = false;

  static fromJson(json: Json | undefined): OriginSequencer {
    const sequencer = new OriginSequencer();
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return sequencer;
    for (const [destination, last] of Object.entries(json)) {
      if (typeof last === 'number' && Number.isSafeInteger(last)) sequencer.#next.set(destination, last);
    }
    return sequencer;
  }

  /** The next sequence for `destination`. */
  next(destination: string): number {
    const seq = (this.#next.get(destination) ?? 0) + 1;
    this.#next.set(destination, seq);
    this.#changed = true;
    return seq;
  }

  get changed(): boolean {
    return this.#changed;
  }

  /** `{ destination: last }`. */
  toJson(): Json {
    this.#changed = false;
    return Object.fromEntries(this.#next);
  }
}
