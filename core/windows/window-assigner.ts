/** A window of event time: `start` inclusive, `end` exclusive, in ms. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/** Which windows a record of event time `t` belongs to. */
export interface WindowAssigner {
  /** `session`: each record's window is `[t, t + gap)`, merged with the key's windows it overlaps. */
  readonly kind: 'tumbling' | 'sliding' | 'session';
  readonly sizeMs: number;
  windowsOf(t: number): readonly TimeWindow[];
}

function checkMs(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RangeError(`${name} must be a whole number of milliseconds above 0, got ${value}`);
  }
}

/**
 * Back-to-back windows of `sizeMs`: each record falls into exactly one.
 *
 * @example
 * ```ts
 * tumbling(60_000).windowsOf(90_500); // [{ start: 60_000, end: 120_000 }]
 * ```
 */
export function tumbling(sizeMs: number): WindowAssigner {
  checkMs('sizeMs', sizeMs);
  return {
    kind: 'tumbling',
    sizeMs,
    windowsOf: (t) => {
      const start = t - mod(t, sizeMs);
      return [{ start, end: start + sizeMs }];
    },
  };
}

/**
 * Windows of `sizeMs` that start every `slideMs` (hopping windows): a record
 * falls into `sizeMs / slideMs` of them (rounded up).
 *
 * @example
 * ```ts
 * sliding(60_000, 30_000).windowsOf(45_000); // [{ start: 0, end: 60_000 }, { start: 30_000, end: 90_000 }]
 * ```
 */
export function sliding(sizeMs: number, slideMs: number): WindowAssigner {
  checkMs('sizeMs', sizeMs);
  checkMs('slideMs', slideMs);
  if (slideMs > sizeMs)
    throw new RangeError(`slideMs (${slideMs}) above sizeMs (${sizeMs}) would leave gaps`);
  return {
    kind: 'sliding',
    sizeMs,
    windowsOf: (t) => {
      const windows: TimeWindow[] = [];
      const last = t - mod(t, slideMs);
      for (let start = last; start > t - sizeMs; start -= slideMs)
        windows.push({ start, end: start + sizeMs });
      return windows.reverse();
    },
  };
}

/**
 * Session windows: a key's records less than `gapMs` apart share a window,
 * which closes `gapMs` after its last record. Sessions merge as records fill
 * the gaps between them, so the aggregate needs `merge`.
 *
 * @example
 * ```ts
 * session(30 * 60_000); // a visit ends after half an hour without a click
 * ```
 */
export function session(gapMs: number): WindowAssigner {
  checkMs('gapMs', gapMs);
  return { kind: 'session', sizeMs: gapMs, windowsOf: (t) => [{ start: t, end: t + gapMs }] };
}

/** Remainder towards minus infinity, so negative event times fall into the right window. */
function mod(t: number, size: number): number {
  return ((t % size) + size) % size;
}
