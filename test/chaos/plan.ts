/** One event the driver will publish. */
export interface PlannedEvent {
  /** Numbers the event across the run; also its msg id (`in-<e>`). */
  readonly e: number;
  readonly key: string;
  readonly n: number;
}

/**
 * The run's events: `count` of them over `keys` keys, keys and amounts drawn
 * from a seeded generator so that a seed reproduces the run's input.
 *
 * @example
 * const events = planEvents({ count: 10_000, keys: 1_000, seed: 7 });
 */
export function planEvents(options: {
  readonly count: number;
  readonly keys: number;
  readonly seed: number;
}): PlannedEvent[] {
  const random = seededRandom(options.seed);
  const events: PlannedEvent[] = [];
  for (let e = 0; e < options.count; e++) {
    const k = Math.floor(random() * options.keys);
    const n = Math.floor(random() * 2001) - 1000;
    events.push({ e, key: `key-${String(k).padStart(4, '0')}`, n });
  }
  return events;
}

/** mulberry32: small, fast, good enough to scatter keys and fault times. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
