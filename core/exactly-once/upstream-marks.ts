import type { Json } from '../store/store.ts';
import type { ControlUpdate } from './watermark-control.ts';

/** The key under which the marks ride in a partition's committed applied-origins JSON. */
export const MARKS_FIELD = '~watermarks';

interface Sender {
  /** Latest event clock it announced; undefined until it announces one. */
  mark: number | undefined;
  idle: boolean;
  /** Origin seq of the last control record taken from it: an older one is a republish. */
  seq: number;
}

/**
 * The event clock of a partition that reads upstream eddy partitions (a keyBy
 * hop, or a stage-to-stage subject read with `watermarks: 'upstream'`): the
 * minimum over every upstream partition of the clock it announced, skipping
 * those that said they are idle (when all are, the furthest of them), and
 * never moving back (an upstream partition
 * that comes back behind it makes its records late, as in Flink). Every
 * partition of an upstream part counts once any of them spoke (each control
 * record says how many there are), so one that has not spoken yet holds the
 * clock. Data records do not move it: only control records do, and they are
 * records of the log, so a replay computes the same clock at the same input.
 *
 * @example
 * const marks = UpstreamMarks.fromJson(claim.appliedOrigins, claim.eventTimeWatermark);
 * const clock = marks.apply(readControl(envelope));
 */
export class UpstreamMarks {
  readonly #senders = new Map<string, Sender>();
  /** Partitions per upstream part, as its control records say. */
  readonly #parts = new Map<string, number>();
  #clock: number;
  #changed = false;

  constructor(clock: number) {
    this.#clock = clock;
  }

  static fromJson(applied: Json | undefined, clock: number): UpstreamMarks {
    const marks = new UpstreamMarks(clock);
    const json = objectOf(objectOf(applied)?.[MARKS_FIELD]);
    for (const [part, n] of Object.entries(objectOf(json?.parts) ?? {})) {
      if (typeof n === 'number') marks.#parts.set(part, n);
    }
    for (const [origin, s] of Object.entries(objectOf(json?.senders) ?? {})) {
      if (!Array.isArray(s)) continue;
      const [mark, idle, seq] = s as readonly Json[];
      marks.#senders.set(origin, {
        mark: typeof mark === 'number' ? mark : undefined,
        idle: idle === true,
        seq: typeof seq === 'number' ? seq : 0,
      });
    }
    return marks;
  }

  /** The clock: the minimum over the upstream partitions, as far as it ever got. */
  get clock(): number {
    return this.#clock;
  }

  /** True once something changed since the last `toJson`. */
  get changed(): boolean {
    return this.#changed;
  }

  /** Whether the update is new (not a republish of one taken already). */
  fresh(update: ControlUpdate): boolean {
    return update.seq > (this.#senders.get(update.origin)?.seq ?? 0);
  }

  /** The clock after `update`, without taking it. */
  clockWith(update: ControlUpdate): number {
    if (!this.fresh(update)) return this.#clock;
    return this.#computed(update);
  }

  /** Takes `update` in; returns the clock after it. */
  apply(update: ControlUpdate): number {
    if (!this.fresh(update)) return this.#clock;
    this.#senders.set(update.origin, senderAfter(this.#senders.get(update.origin), update));
    this.#parts.set(update.sender, update.partitions);
    this.#clock = this.#computed(undefined);
    this.#changed = true;
    return this.#clock;
  }

  /** The clock with `update` (if any) taken in; at least the current clock. */
  #computed(update: ControlUpdate | undefined): number {
    let active = Number.POSITIVE_INFINITY;
    let idle = Number.NEGATIVE_INFINITY;
    const consider = (part: string, n: number): void => {
      for (let p = 0; p < n; p++) {
        const origin = `${part}/${p}`;
        const known = this.#senders.get(origin);
        const s = origin === update?.origin ? senderAfter(known, update) : known;
        const mark = s?.mark ?? Number.NEGATIVE_INFINITY;
        if (s?.idle) idle = Math.max(idle, mark);
        else active = Math.min(active, mark);
      }
    };
    for (const [part, n] of this.#parts) if (part !== update?.sender) consider(part, n);
    if (update) consider(update.sender, update.partitions);
    // Some are active: the slowest of them (one that has not spoken holds the clock). All are
    // idle: none holds it, and the furthest says how far event time got, whichever went idle first.
    const clock = active !== Number.POSITIVE_INFINITY ? active : idle;
    return clock === Number.NEGATIVE_INFINITY ? this.#clock : Math.max(this.#clock, clock);
  }

  toJson(): Json {
    this.#changed = false;
    const senders: Record<string, Json> = {};
    for (const [origin, s] of this.#senders) senders[origin] = [s.mark ?? null, s.idle, s.seq];
    return { parts: Object.fromEntries(this.#parts), senders };
  }
}

function senderAfter(prev: Sender | undefined, update: ControlUpdate): Sender {
  const { announcement } = update;
  // An idle announcement says how far the partition got too: it may be the first to say so.
  return {
    mark: Math.max(prev?.mark ?? Number.NEGATIVE_INFINITY, announcement.value),
    idle: announcement.kind === 'idle',
    seq: update.seq,
  };
}

function objectOf(json: Json | undefined): { readonly [k: string]: Json } | undefined {
  return json !== null && typeof json === 'object' && !Array.isArray(json)
    ? (json as { readonly [k: string]: Json })
    : undefined;
}
