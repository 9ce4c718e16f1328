import type { ActorContext } from '../actor/actor-context.ts';
import {
  type ActorDefinition,
  defineActor,
  type FiredTimer,
  type SnapshotPolicy,
} from '../actor/actor-definition.ts';
import type { Json } from '../store/store.ts';
import { sessionOf } from './session-merge.ts';
import type { TimeWindow, WindowAssigner } from './window-assigner.ts';
import type {
  Aggregate,
  LateRecord,
  OpenWindow,
  WindowEvent,
  WindowResult,
  WindowState,
} from './window-types.ts';

export interface WindowOptions<T extends Json, A extends Json, R extends Json> {
  /** The actor's name: its journal. Keep it stable. */
  readonly name: string;
  /** `tumbling(size)`, `sliding(size, slide)` or `session(gap)`. */
  readonly window: WindowAssigner;
  readonly aggregate: Aggregate<T, A, R>;
  /**
   * How long past its end a window that fired still takes records: each one
   * re-emits its result as an `update`; after that the window's state is dropped
   * and its records are late. Default 0.
   */
  readonly allowedLatenessMs?: number;
  /** Emit `partial` results of the open windows every this many ms of wall-clock time (for dashboards). Default: never. */
  readonly earlyFiringMs?: number;
  /** Where late records go (a typed side output). Default `<name>.late`. */
  readonly lateSubject?: string;
  readonly snapshot?: SnapshotPolicy;
}

const END = 'end:';
const PURGE = 'purge:';
const EARLY = 'early';

/**
 * A keyed window over event time as an actor, for `actor(...)` in a pipeline
 * (after a `keyBy` to the key windows are per): each record is added to the
 * windows its input's event time falls into; a window's `final` result goes
 * out when the partition's event-time watermark passes its end (an event-time
 * timer), then its state is dropped (after `allowedLatenessMs`, during which a
 * late record re-emits an `update`); a record later than that goes to the late
 * subject. Everything is journaled state and timers, so a replay after a crash
 * closes the same windows with the same contents. Window state is bounded by
 * the windows that can still change.
 *
 * Event time is the record's as the source reads it (`from(subject, schema,
 * { eventTime })`), else the time it was appended with or the log's; the
 * watermark is the partition's highest event time less the pipeline's
 * `allowedLatenessMs` (its bound on out-of-orderness).
 *
 * @example
 * ```ts
 * const perMinute = windowed({
 *   name: 'comments-per-minute',
 *   window: tumbling(60_000),
 *   aggregate: { create: () => 0, add: (n: number) => n + 1, result: (n) => n },
 *   earlyFiringMs: 5_000,
 * });
 * from('comments', Comment).pipe(keyBy((c) => c.stream), actor(perMinute), to('comment-counts'));
 * ```
 */
export function windowed<T extends Json, A extends Json, R extends Json>(
  options: WindowOptions<T, A, R>,
): ActorDefinition<WindowState, T, WindowEvent, WindowResult<R> | LateRecord<T>> {
  const { aggregate, window } = options;
  const lateness = options.allowedLatenessMs ?? 0;
  const lateSubject = options.lateSubject ?? `${options.name}.late`;
  if (!Number.isSafeInteger(lateness) || lateness < 0) {
    throw new RangeError(`allowedLatenessMs must be a whole number of at least 0, got ${lateness}`);
  }
  const sessions = window.kind === 'session';
  const merge = aggregate.merge;
  if (sessions && !merge)
    throw new TypeError(`${options.name}: session windows merge, so the aggregate needs merge()`);
  type Ctx = ActorContext<WindowResult<R> | LateRecord<T>>;
  const result = (
    kind: WindowResult<R>['kind'],
    key: string,
    start: number,
    w: OpenWindow,
  ): WindowResult<R> => ({
    kind,
    key,
    start,
    end: w.end,
    count: w.count,
    result: aggregate.result(w.accumulator as A),
  });
  const added = (w: OpenWindow | undefined, end: number, record: T): OpenWindow => ({
    end,
    count: (w?.count ?? 0) + 1,
    accumulator: aggregate.add((w?.accumulator ?? aggregate.create()) as A, record),
    fired: w?.fired ?? false,
  });

  /** The windows `from` as one spanning `into` (sessions that a record joined). */
  const merged = (state: WindowState, into: TimeWindow, from: readonly number[]): OpenWindow | undefined => {
    const parts = from.map((s) => state.open[s]).filter((w): w is OpenWindow => w !== undefined);
    if (parts.length === 0) return undefined;
    return {
      end: into.end,
      count: parts.reduce((n, w) => n + w.count, 0),
      accumulator: parts.map((w) => w.accumulator as A).reduce((a, b) => (merge as (a: A, b: A) => A)(a, b)),
      fired: parts.some((w) => w.fired),
    };
  };

  const decide = (state: WindowState, record: T, ctx: Ctx): WindowEvent[] => {
    const input = ctx.input;
    if (!input) throw new Error(`${options.name}: a window takes input records only`);
    const watermark = input.eventTimeWatermark;
    const taken: TimeWindow[] = [];
    const events: WindowEvent[] = [];
    for (const own of window.windowsOf(input.eventTime)) {
      const session = sessions ? sessionOf(state.open, own) : undefined;
      const w = session?.window ?? own;
      // A window closes once the watermark reaches its end: every record before the end has had
      // the out-of-orderness bound to arrive (a record at end - 1 is still in time).
      const last = w.end;
      if (last + lateness <= watermark) {
        const late: LateRecord<T> = {
          kind: 'late',
          key: ctx.key,
          ...own,
          eventTime: input.eventTime,
          watermark,
          record,
        };
        ctx.emit(late, { subject: lateSubject });
        continue;
      }
      taken.push(w);
      let open = state.open[w.start];
      if (session && session.from.length > 0) {
        events.push({ type: 'Merged', into: w, from: session.from });
        open = merged(state, w, session.from);
        for (const s of session.from) {
          if (s === w.start) continue;
          ctx.timers.cancel(END + s);
          ctx.timers.cancel(PURGE + s);
        }
        // A session that fired and grew keeps its state until its new end's lateness.
        if (open?.fired && lateness > 0) ctx.timers.setEventTime(PURGE + w.start, last + lateness);
      }
      if (watermark < last) {
        // A session that grew closes later: its timer moves. An open window that has not
        // fired has its timer already (set with its first record), so most records look nothing up.
        if (sessions || (open === undefined && !ctx.timers.get(END + w.start)))
          ctx.timers.setEventTime(END + w.start, last);
        continue;
      }
      // Past its end but within the lateness: an update of a window that fired, or the
      // first result of one that had no records before the watermark passed it.
      const next = added(open, w.end, record);
      if (open?.fired) ctx.emit(result('update', ctx.key, w.start, next));
      else {
        ctx.emit(result('final', ctx.key, w.start, next));
        events.push({ type: 'Fired', start: w.start });
        if (lateness > 0) ctx.timers.setEventTime(PURGE + w.start, last + lateness);
      }
    }
    if (taken.length === 0) return [];
    if (options.earlyFiringMs !== undefined && !ctx.timers.get(EARLY)) {
      ctx.timers.setProcessingTime(EARLY, ctx.now() + options.earlyFiringMs);
    }
    const addedEvent: WindowEvent = { type: 'Added', record, windows: taken };
    if (events.length === 0) return [addedEvent];
    const merges = events.filter((e) => e.type === 'Merged');
    const fired = events.filter((e) => e.type !== 'Merged');
    return [...merges, addedEvent, ...fired];
  };

  const onTimer = (state: WindowState, timer: FiredTimer, ctx: Ctx): WindowEvent[] => {
    if (timer.name === EARLY) {
      const open = Object.entries(state.open).filter(([, w]) => !w.fired);
      for (const [start, w] of open) ctx.emit(result('partial', ctx.key, Number(start), w));
      if (open.length > 0 && options.earlyFiringMs !== undefined) {
        ctx.timers.setProcessingTime(EARLY, ctx.now() + options.earlyFiringMs);
      }
      return [];
    }
    const purge = timer.name.startsWith(PURGE);
    const start = Number(timer.name.slice(purge ? PURGE.length : END.length));
    const w = state.open[start];
    if (!w) return [];
    if (purge) return [{ type: 'Purged', start }];
    // A session that fired and then grew past the watermark closes again: an update.
    ctx.emit(result(w.fired ? 'update' : 'final', ctx.key, start, w));
    if (lateness > 0) ctx.timers.setEventTime(PURGE + start, w.end + lateness);
    return [{ type: 'Fired', start }];
  };

  const evolve = (state: WindowState, event: WindowEvent): WindowState => {
    const open = { ...state.open };
    switch (event.type) {
      case 'Added':
        for (const w of event.windows) open[w.start] = added(open[w.start], w.end, event.record as T);
        break;
      case 'Merged': {
        const w = merged(state, event.into, event.from);
        for (const s of event.from) delete open[s];
        if (w) open[event.into.start] = w;
        break;
      }
      case 'Fired': {
        const w = open[event.start];
        if (w && lateness > 0) open[event.start] = { ...w, fired: true };
        else delete open[event.start];
        break;
      }
      case 'Purged':
        delete open[event.start];
        break;
    }
    return { open };
  };

  return defineActor<WindowState, T, WindowEvent, WindowResult<R> | LateRecord<T>>({
    name: options.name,
    initial: () => ({ open: {} }),
    decide,
    evolve,
    onTimer,
    emitsTo: [lateSubject],
    ...(options.snapshot ? { snapshot: options.snapshot } : {}),
  });
}
