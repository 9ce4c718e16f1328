import type { TimerRow } from '../store/store.ts';
import type { KeySlot, Task } from './key-slot.ts';
import type { TimerOp } from './step-context.ts';
import { type TimerEntry, TimerIndex, type TimerSpec } from './timer-index.ts';
import type { Unit } from './unit.ts';

type Firing = Extract<Task, { kind: 'timer' }>;

export interface TimerSchedulerOptions {
  /** The program's actors' names, by index: a timer belongs to an actor, a key and a name. */
  readonly actors: readonly string[];
  readonly stage: string;
  readonly partition: number;
  /** The partition's event time as committed: where the event clock starts. */
  readonly eventClock: number;
  /** Event-time timers fire once the event clock minus this passes them. */
  readonly allowedLatenessMs: number;
  /** How often processing-time timers are checked. */
  readonly tickMs: number;
  readonly clock: () => number;
}

/** What the timers need of the partition runtime. */
export interface TimerHost {
  /** Queues a firing on its key (loading the key if it is not in memory). */
  enqueue(key: string, firing: Firing): void;
  /** Queues a firing on a key in memory at `index` of its queue (default the end). */
  place(slot: KeySlot, firing: Firing, index?: number): void;
  /** The input `seq` is not done until the firing that holds it is. */
  hold(seq: number): void;
}

/**
 * The timers of one partition: event-time timers fire at positions of the
 * log (so a replay fires them at the same points), processing-time ones on
 * the wall clock. Timers are state: they are set and deleted in commits, and a
 * new owner starts with the partition's stored timers. Each actor has names of
 * its own: the index holds a timer as `<actor index>:<name>`.
 */
export class TimerScheduler {
  readonly #o: TimerSchedulerOptions;
  readonly #host: TimerHost;
  readonly #timers: TimerIndex;
  #eventClock: number;
  #tick: ReturnType<typeof setInterval> | undefined;

  constructor(rows: readonly TimerRow[], options: TimerSchedulerOptions, host: TimerHost) {
    this.#o = options;
    this.#host = host;
    const actors = new Map(options.actors.map((name, i) => [name, i]));
    this.#timers = new TimerIndex(
      rows.flatMap((row) => {
        const actor = actors.get(row.actor);
        // A timer of an actor this stage no longer runs cannot fire.
        return actor === undefined ? [] : [{ ...row, name: qualified(actor, row.name) }];
      }),
    );
    this.#eventClock = options.eventClock;
  }

  /** The partition's event clock: the highest input event time so far. */
  get eventClock(): number {
    return this.#eventClock;
  }

  /** Fires the timers that came due while nobody owned the partition, and starts the wall clock's checks. */
  start(): void {
    this.#fireDueEventTimers(undefined);
    this.#tick = setInterval(() => this.#fireDueProcessingTimers(), this.#o.tickMs);
    this.#tick.unref?.();
  }

  stop(): void {
    if (this.#tick) clearInterval(this.#tick);
    this.#tick = undefined;
  }

  /** An input of event time `eventTime` arrived: timers it makes due fire before it (it holds them). */
  arrived(seq: number, eventTime: number): void {
    if (eventTime <= this.#eventClock) return;
    this.#eventClock = eventTime;
    this.#fireDueEventTimers(seq);
  }

  /** The key's live setting of one of an actor's timers. */
  live(actor: number, key: string, name: string): TimerEntry | undefined {
    return this.#timers.get(key, qualified(actor, name));
  }

  /** Whether the key has a live timer of that serial (of any actor): its firing is still to come. */
  hasLive(key: string, serial: number): boolean {
    return this.#timers.hasSerial(key, serial);
  }

  /**
   * Applies an actor's timer operations in a task (and, for its own firing,
   * spends the timer): every setting takes the key's next serial, so it is a
   * new firing even at the name and time of one that fired already. Returns
   * the rows to commit.
   */
  changes(
    slot: KeySlot,
    task: Task,
    actor: number,
    ops: readonly TimerOp[],
  ): Pick<Unit, 'timersSet' | 'timersDeleted'> {
    const final = new Map<string, TimerSpec | undefined>();
    if (task.kind === 'timer' && task.actor === actor) final.set(task.name, undefined);
    for (const op of ops) final.set(op.name, op.entry);
    const timersSet: TimerRow[] = [];
    const timersDeleted: { actor: string; key: string; name: string }[] = [];
    const { stage, partition } = this.#o;
    const actorName = this.#o.actors[actor] ?? '';
    for (const [name, entry] of final) {
      const q = qualified(actor, name);
      if (entry) {
        const serial = ++slot.timerSerial;
        const placed =
          entry.kind === 'event' && this.#placeEventTimer(slot, task, actor, name, entry.at, serial);
        this.#timers.set(slot.key, q, { ...entry, serial }, !placed);
        const { kind, at } = entry;
        timersSet.push({ actor: actorName, key: slot.key, name, kind, at, stage, partition, serial });
      } else {
        this.#timers.delete(slot.key, q);
        timersDeleted.push({ actor: actorName, key: slot.key, name });
      }
    }
    return { timersSet, timersDeleted };
  }

  /**
   * Queues an event-time timer that is already due where the log order says it
   * fires: before the key's first queued input that arrived with the clock past
   * it, in (at, serial) order among the firings there. Placement depends only
   * on log order, never on how fast keys run, so a replay fires it at the same
   * point. Returns false when it is not due yet.
   * A firing queued at the tail holds its setter's input, so the watermark
   * cannot pass the setter before the firing commits: after a crash the
   * setter is redelivered and the clock reaches the timer at the same point.
   */
  #placeEventTimer(
    slot: KeySlot,
    setter: Task,
    actor: number,
    name: string,
    at: number,
    serial: number,
  ): boolean {
    const due = at + this.#o.allowedLatenessMs;
    for (let i = slot.queueHead; i < slot.queue.length; i++) {
      const queued = slot.queue[i];
      if (queued?.kind !== 'input' || queued.clock < due) continue;
      const holdSeq = queued.delivery.envelope.seq;
      this.#host.hold(holdSeq);
      this.#host.place(slot, { kind: 'timer', actor, name, timerKind: 'event', at, serial, holdSeq }, i);
      return true;
    }
    if (this.#eventClock < due) return false;
    const holdSeq = setter.kind === 'input' ? setter.delivery.envelope.seq : setter.holdSeq;
    if (holdSeq !== undefined) this.#host.hold(holdSeq);
    this.#host.place(slot, { kind: 'timer', actor, name, timerKind: 'event', at, serial, holdSeq });
    return true;
  }

  #fireDueEventTimers(holdSeq: number | undefined): void {
    for (const t of this.#timers.due('event', this.#eventClock - this.#o.allowedLatenessMs)) {
      if (holdSeq !== undefined) this.#host.hold(holdSeq);
      const { actor, name } = unqualified(t.name);
      this.#host.enqueue(t.key, {
        kind: 'timer',
        actor,
        name,
        timerKind: 'event',
        at: t.at,
        serial: t.serial,
        holdSeq,
      });
    }
  }

  #fireDueProcessingTimers(): void {
    for (const t of this.#timers.due('processing', this.#o.clock())) {
      const { actor, name } = unqualified(t.name);
      this.#host.enqueue(t.key, {
        kind: 'timer',
        actor,
        name,
        timerKind: 'processing',
        at: t.at,
        serial: t.serial,
        holdSeq: undefined,
      });
    }
  }
}

function qualified(actor: number, name: string): string {
  return `${actor}:${name}`;
}

function unqualified(name: string): { readonly actor: number; readonly name: string } {
  const colon = name.indexOf(':');
  return { actor: Number(name.slice(0, colon)), name: name.slice(colon + 1) };
}
