import type { Json } from '../store/store.ts';

/**
 * Sequences kept above a gap per origin before the gap is taken as permanent
 * (records that expired from the upstream stream before this stage read them).
 */
const MAX_ABOVE = 4096;

/** One origin's applied sequences: everything up to `upTo`, plus `above` (sorted, all > upTo + 1). */
interface Applied {
  upTo: number;
  above: number[];
}

/**
 * The origin sequences a partition has applied, per origin: how a downstream
 * stage drops an upstream output republished after JetStream's duplicate
 * window (a new stream seq, the same origin sequence). An upstream stage
 * numbers what it sends to each downstream partition 1, 2, 3, ... so the set
 * stays a counter plus the few sequences that arrived ahead of a gap.
 *
 * @example
 * const applied = AppliedOrigins.fromJson(claim.origins);
 * if (applied.has('orders/2', 17)) skip(); else applied.add('orders/2', 17);
 */
export class AppliedOrigins {
  readonly #byOrigin = new Map<string, Applied>();
  #changed = false;
  #gapsClosed = 0;

  /** Sequences never seen but taken as applied because their gap stayed open too long. */
  get gapsClosed(): number {
    return this.#gapsClosed;
  }

  static fromJson(json: Json | undefined): AppliedOrigins {
    const set = new AppliedOrigins();
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return set;
    for (const [origin, value] of Object.entries(json)) {
      if (!Array.isArray(value)) continue;
      const [upTo, ...above] = value.filter((v): v is number => typeof v === 'number');
      set.#byOrigin.set(origin, { upTo: upTo ?? 0, above: above.sort((a, b) => a - b) });
    }
    return set;
  }

  has(origin: string, seq: number): boolean {
    const applied = this.#byOrigin.get(origin);
    if (!applied) return false;
    return seq <= applied.upTo || binarySearch(applied.above, seq) >= 0;
  }

  /** Records `seq`; false when it was there already. */
  add(origin: string, seq: number): boolean {
    let applied = this.#byOrigin.get(origin);
    if (!applied) {
      applied = { upTo: 0, above: [] };
      this.#byOrigin.set(origin, applied);
    }
    if (seq <= applied.upTo) return false;
    const at = binarySearch(applied.above, seq);
    if (at >= 0) return false;
    applied.above.splice(-at - 1, 0, seq);
    if (applied.above.length > MAX_ABOVE) {
      const first = applied.above[0] as number;
      this.#gapsClosed += first - applied.upTo - 1;
      applied.upTo = first - 1;
    }
    while (applied.above[0] === applied.upTo + 1) {
      applied.upTo++;
      applied.above.shift();
    }
    this.#changed = true;
    return true;
  }

  /** True once something was added since the last `toJson`. */
  get changed(): boolean {
    return this.#changed;
  }

  /** `{ origin: [upTo, ...above] }`, compact enough to rewrite with every commit. */
  toJson(): Json {
    this.#changed = false;
    const json: Record<string, Json> = {};
    for (const [origin, applied] of this.#byOrigin) json[origin] = [applied.upTo, ...applied.above];
    return json;
  }
}

/** Index of `value` in the ascending `values`, or -(insertion point) - 1. */
function binarySearch(values: readonly number[], value: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid] as number;
    if (v < value) lo = mid + 1;
    else if (v > value) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}
