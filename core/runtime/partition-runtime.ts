import type { ActorDefinition, ActorEvent, Decision, FiredTimer } from '../actor/actor-definition.ts';
import { makeUpcaster } from '../actor/upcast.ts';
import { AppliedOrigins } from '../dedup/applied-origins.ts';
import { hasDefect } from '../defects.ts';
import { FencedError } from '../errors/fenced-error.ts';
import type { AppendRecord, Delivery } from '../log/log.ts';
import { keyProblem } from '../log/record-key.ts';
import { type Logger, silentLogger } from '../logger.ts';
import type { JournalEvent, Json, OutboxRow, PartitionClaim, Snapshot, TimerRow } from '../store/store.ts';
import { shown } from '../text.ts';
import { CommitBuffer } from './commit-buffer.ts';
import {
  type DeadLetterInput,
  type DeadLetterPhase,
  deadLetterDrafts,
  fittingDeadLetter,
  INVALID_KEY,
} from './dead-letter.ts';
import { dueSnapshot } from './due-snapshot.ts';
import { InProgressSignals } from './in-progress-signals.ts';
import {
  isIdle,
  type KeySlot,
  newSlot,
  nextTask,
  queueFiring,
  type Task,
  taskId,
  timerSerialOf,
} from './key-slot.ts';
import { LoadQueue } from './load-queue.ts';
import { msgIdBase } from './msg-ids.ts';
import { recoverSlot } from './recover-slot.ts';
import type { RuntimeOptions } from './runtime-options.ts';
import { StepContext, type TimerOp } from './step-context.ts';
import { STEP_EVENT, type StepRecord } from './steps.ts';
import { TimerIndex, type TimerSpec } from './timer-index.ts';
import type { OutputDraft, Unit } from './unit.ts';
import { checkOutputDraft, checkUnit, OutputRefused } from './unit-check.ts';
import { WatermarkTracker } from './watermark-tracker.ts';

export interface RuntimeHooks {
  /** Outbox rows just committed, in publish order. */
  onCommitted(rows: readonly OutboxRow[]): void;
  /** The runtime stopped on an error; `FencedError` means another owner has the partition. */
  onFailed(error: unknown): void;
}

export interface RuntimeStart {
  readonly claim: PartitionClaim;
  readonly timers: readonly TimerRow[];
  /** First outbox position to use: above any row left from an earlier owner. */
  readonly firstPosition: number;
}

/**
 * Runs one actor over one claimed partition: keys in parallel, each key in
 * order; commits finished work in micro-batches (journal, snapshots, outbox,
 * key progress, timers and watermark in one transaction); acknowledges inputs
 * only after the commit that covers them; skips inputs already applied.
 * Deliveries held longer than half the ack wait (a slow step) are reported
 * as still in progress, so the log does not hand them out again.
 *
 * Recovery story: everything in memory may be lost at any moment. The committed
 * watermark, each key's last applied seq and the journal are the truth: a new
 * runtime re-reads from watermark + 1 and skips what a key already applied.
 */
export class PartitionRuntime<S extends Json, I, E extends ActorEvent, O extends Json> {
  readonly #def: ActorDefinition<S, I, E, O>;
  readonly #options: RuntimeOptions<I>;
  readonly #hooks: RuntimeHooks;
  readonly #claim: PartitionClaim;
  readonly #log: Logger;
  readonly #clock: () => number;
  readonly #slots = new Map<string, KeySlot<S>>();
  readonly #timers: TimerIndex;
  readonly #tracker: WatermarkTracker;
  readonly #buffer: CommitBuffer;
  /** Origins of inputs applied, committed or in flight: a second record with one is a republish. */
  readonly #taken: AppliedOrigins;
  readonly #upcast: ReturnType<typeof makeUpcaster>;
  readonly #heldAcks = new Map<number, Delivery[]>();
  readonly #signals: InProgressSignals;
  readonly #loads = new LoadQueue(MAX_CONCURRENT_LOADS);
  /** What an output's origin will be at its commit, for checking its size (a seq as long as any). */
  readonly #originBound: AppendRecord['origin'];
  readonly #commitEvery: number;
  readonly #commitIntervalMs: number;
  readonly #maxActiveKeys: number;
  readonly #lateness: number;
  #eventClock: number;
  #committedWatermark: number;
  #commitTimer: ReturnType<typeof setTimeout> | undefined;
  #tickTimer: ReturnType<typeof setInterval> | undefined;
  #committing: Promise<void> | undefined;
  #flushWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  #busyTasks = 0;
  #idleWaiters: (() => void)[] = [];
  #stopped = false;
  #failed = false;

  constructor(
    def: ActorDefinition<S, I, E, O>,
    options: RuntimeOptions<I>,
    start: RuntimeStart,
    hooks: RuntimeHooks,
  ) {
    this.#def = def;
    this.#options = options;
    this.#hooks = hooks;
    this.#claim = start.claim;
    this.#log = options.logger ?? silentLogger;
    this.#clock = options.clock ?? Date.now;
    this.#commitEvery = options.commitEvery ?? 500;
    this.#commitIntervalMs = options.commitIntervalMs ?? 20;
    this.#maxActiveKeys = options.maxActiveKeys ?? 100_000;
    this.#lateness = options.allowedLatenessMs ?? 0;
    this.#timers = new TimerIndex(start.timers);
    this.#tracker = new WatermarkTracker(start.claim.watermark, start.claim.eventTimeWatermark);
    this.#committedWatermark = start.claim.watermark;
    this.#eventClock = start.claim.eventTimeWatermark;
    this.#buffer = new CommitBuffer(options.stage, start.claim.partition, start.firstPosition, {
      partitionsOf: options.outputPartitions ?? (() => undefined),
      sequences: start.claim.originSequences,
      applied: start.claim.appliedOrigins,
    });
    this.#taken = AppliedOrigins.fromJson(start.claim.appliedOrigins);
    this.#upcast = makeUpcaster(def.upcasters, def.eventVersions);
    this.#originBound = { id: `${options.stage}/${start.claim.partition}`, seq: Number.MAX_SAFE_INTEGER };
    this.#signals = new InProgressSignals(options.ackWaitMs ?? DEFAULT_ACK_WAIT_MS, this.#log);
    // Timers that came due while nobody owned the partition fire first.
    this.#fireDueEventTimers(undefined);
    const tick = options.timerTickMs ?? 100;
    this.#tickTimer = setInterval(() => this.#fireDueProcessingTimers(), tick);
    this.#tickTimer.unref?.();
  }

  get partition(): number {
    return this.#claim.partition;
  }

  /** Highest seq at or below which everything is committed. */
  get committedWatermark(): number {
    return this.#committedWatermark;
  }

  get activeKeys(): number {
    return this.#slots.size;
  }

  /** Hands one delivery to the runtime; never throws. */
  push(delivery: Delivery): void {
    if (this.#stopped) return;
    this.#signals.hold(delivery);
    const env = delivery.envelope;
    if (env.seq <= this.#tracker.maxSeen) {
      if (hasDefect('no-dedup')) this.#enqueueInput(delivery);
      else this.#redelivered(delivery);
      return;
    }
    this.#tracker.arrive(env.seq, env.eventTime);
    // Timers this input's event time makes due fire before it, so a key sees them in log order.
    if (env.eventTime > this.#eventClock) {
      this.#eventClock = env.eventTime;
      this.#fireDueEventTimers(env.seq);
    }
    this.#enqueueInput(delivery);
  }

  /** A record without a valid key runs under `INVALID_KEY`, in log order, to become a dead letter. */
  #enqueueInput(delivery: Delivery): void {
    const env = delivery.envelope;
    const problem = env.keyProblem ?? keyProblem(env.key);
    if (problem === undefined) {
      this.#enqueue(env.key, { kind: 'input', delivery, clock: this.#eventClock });
    } else {
      const keyProblem = `the record's key ${shown(env.key)} is not valid: ${problem}`;
      this.#enqueue(INVALID_KEY, { kind: 'input', delivery, clock: this.#eventClock, keyProblem });
    }
  }

  /** Finishes all accepted work, commits it, and stops. Deliveries that arrive later are left unacked. */
  async drain(): Promise<void> {
    this.#stopped = true;
    this.#stopTimers();
    while (this.#busyTasks > 0 && !this.#failed) {
      await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
    }
    while (
      !this.#failed &&
      (this.#buffer.size > 0 || this.#committing || this.#tracker.watermark > this.#committedWatermark)
    ) {
      await this.#commitNow();
    }
    // Held until now: a drain can wait on slow work longer than the ack wait.
    this.#signals.stop();
  }

  /** Stops at once, as a crash would: nothing more is committed or acknowledged. */
  abort(): void {
    this.#stopped = true;
    this.#failed = true;
    this.#stopTimers();
    this.#signals.stop();
    for (const w of this.#flushWaiters) w.reject(new Error('runtime aborted'));
    this.#flushWaiters = [];
    for (const w of this.#idleWaiters) w();
    this.#idleWaiters = [];
  }

  #stopTimers(): void {
    if (this.#commitTimer) clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    if (this.#tickTimer) clearInterval(this.#tickTimer);
    this.#tickTimer = undefined;
  }

  #redelivered(delivery: Delivery): void {
    const seq = delivery.envelope.seq;
    if (seq <= this.#committedWatermark) {
      this.#ack([delivery]);
      return;
    }
    const held = this.#heldAcks.get(seq);
    if (held) held.push(delivery);
    else this.#heldAcks.set(seq, [delivery]);
  }

  #enqueue(key: string, task: Task): void {
    let slot = this.#slots.get(key);
    if (slot) {
      // Map order is the LRU order: touching moves the key to the end.
      this.#slots.delete(key);
      this.#slots.set(key, slot);
    } else {
      slot = newSlot(key, this.#def.initial(key));
      this.#slots.set(key, slot);
      this.#load(slot);
    }
    this.#busyTasks++;
    if (task.kind === 'timer' && task.timerKind === 'event') queueFiring(slot, task);
    else slot.queue.push(task);
    if (slot.loaded && !slot.running) this.#pump(slot);
  }

  #load(slot: KeySlot<S>): void {
    slot.running = true;
    const { store, stage } = this.#options;
    this.#loads
      .run(async () =>
        this.#failed ? undefined : store.load(this.#def.name, slot.key, stage, this.#claim.partition),
      )
      .then((record) => {
        if (this.#failed || record === undefined) return;
        recoverSlot(slot, this.#def, record, this.#upcast, (task, lastApplied) =>
          this.#isOpen(slot, task, lastApplied),
        );
        slot.running = false;
        this.#pump(slot);
      })
      // Recovery throws too (a missing upcaster, an evolve that fails on old events): fail loudly, never wedge.
      .catch((error: unknown) => this.#fail(error));
  }

  #isOpen(slot: KeySlot<S>, task: string, lastApplied: number): boolean {
    // A key's stored progress may lag its inputs the watermark covers (see CommitBuffer).
    if (task.startsWith('seq:'))
      return Number(task.slice(4)) > Math.max(lastApplied, this.#committedWatermark);
    // A firing is unfinished while its own setting is live; a later setting of the name is another firing.
    const timer = timerSerialOf(task);
    return timer !== undefined && this.#timers.get(slot.key, timer.name)?.serial === timer.serial;
  }

  #pump(slot: KeySlot<S>): void {
    while (!slot.running && !this.#failed) {
      const task = nextTask(slot);
      if (!task) return;
      let pending: Promise<void> | undefined;
      try {
        pending = this.#run(slot, task);
      } catch (error) {
        this.#fail(error);
        return;
      }
      if (pending) {
        slot.running = true;
        pending.then(
          () => {
            slot.running = false;
            this.#pump(slot);
          },
          (error: unknown) => this.#fail(error),
        );
        return;
      }
    }
  }

  /** Runs one task; returns a promise only when the actor's code is asynchronous. */
  #run(slot: KeySlot<S>, task: Task): Promise<void> | undefined {
    if (task.kind === 'timer') return this.#runTimer(slot, task);
    const delivery = task.delivery;
    const env = delivery.envelope;
    if (env.seq <= slot.lastApplied && !hasDefect('no-dedup')) {
      this.#finish(slot, task, emptyUnit(slot.key, env.seq, delivery));
      return undefined;
    }
    // An upstream stage's output seen before under another seq: republished after the log's
    // duplicate window (the original of the same key ran first: one key runs in order).
    if (env.origin && !this.#taken.add(env.origin.id, env.origin.seq) && !hasDefect('no-dedup')) {
      this.#finish(slot, task, emptyUnit(slot.key, env.seq, delivery));
      return undefined;
    }
    if (task.keyProblem !== undefined) {
      this.#finish(slot, task, this.#deadLetter(slot, task, 'key', task.keyProblem));
      return undefined;
    }
    let input: I;
    try {
      input = this.#options.decode(env.payload, env);
    } catch (error) {
      this.#finish(slot, task, this.#deadLetter(slot, task, 'decode', error));
      return undefined;
    }
    const id = taskId(task);
    const ctx = this.#context(slot, id, {
      seq: env.seq,
      id: env.id,
      eventTime: env.eventTime,
      headers: env.headers,
    });
    let decision: Decision<E>;
    try {
      decision = this.#def.decide(slot.state, input, ctx);
    } catch (error) {
      this.#finish(slot, task, this.#deadLetter(slot, task, 'decide', error));
      return undefined;
    }
    if (isPromise(decision)) {
      return decision.then(
        (events) => this.#apply(slot, task, ctx, events),
        (error: unknown) => {
          if (this.#failed) return;
          this.#finish(slot, task, this.#deadLetter(slot, task, 'decide', error));
        },
      );
    }
    this.#apply(slot, task, ctx, decision);
    return undefined;
  }

  #runTimer(slot: KeySlot<S>, task: Extract<Task, { kind: 'timer' }>): Promise<void> | undefined {
    const live = this.#timers.get(slot.key, task.name);
    const onTimer = this.#def.onTimer;
    if (!onTimer || live?.serial !== task.serial) {
      // Moved, set again or cancelled since it came due: nothing to do.
      this.#finish(slot, task, undefined);
      return undefined;
    }
    const ctx = this.#context(slot, taskId(task), undefined);
    const fired: FiredTimer = { name: task.name, kind: task.timerKind, at: task.at };
    let decision: Decision<E>;
    try {
      decision = onTimer(slot.state, fired, ctx);
    } catch (error) {
      this.#finish(slot, task, this.#deadLetter(slot, task, 'onTimer', error));
      return undefined;
    }
    if (isPromise(decision)) {
      return decision.then(
        (events) => this.#apply(slot, task, ctx, events),
        (error: unknown) => {
          if (this.#failed) return;
          this.#finish(slot, task, this.#deadLetter(slot, task, 'onTimer', error));
        },
      );
    }
    this.#apply(slot, task, ctx, decision);
    return undefined;
  }

  #context(slot: KeySlot<S>, id: string, input: StepContext<O>['input']): StepContext<O> {
    const recorded = slot.steps.get(id) ?? [];
    return new StepContext<O>(
      {
        actor: this.#def.name,
        clock: this.#clock,
        timer: (name) => {
          const live = this.#timers.get(slot.key, name);
          return live && { kind: live.kind, at: live.at };
        },
        persist: (steps) => this.#persistSteps(slot, id, steps),
      },
      slot.key,
      input,
      id,
      recorded,
    );
  }

  /** Folds the decided events into state and records the task's unit for the next commit. */
  #apply(slot: KeySlot<S>, task: Task, ctx: StepContext<O>, events: readonly E[]): void {
    if (this.#failed) return;
    const seq = task.kind === 'input' ? task.delivery.envelope.seq : undefined;
    const eventTime = task.kind === 'input' ? task.delivery.envelope.eventTime : task.at;
    let state = slot.state;
    const journal: JournalEvent[] = [];
    let outputs: OutputDraft[];
    try {
      if (!Array.isArray(events)) throw new TypeError('decide must return an array of events');
      let version = slot.version;
      for (const event of events) {
        if (typeof event?.type !== 'string' || event.type.startsWith('$')) {
          throw new TypeError(
            `every event needs a string "type" not starting with "$", got ${JSON.stringify(event)}`,
          );
        }
        state = this.#def.evolve(state, event);
        journal.push({
          actor: this.#def.name,
          key: slot.key,
          version: ++version,
          type: event.type,
          schemaVersion: this.#def.eventVersions?.[event.type] ?? 1,
          data: event,
          inputSeq: seq ?? 0,
          eventTime,
        });
      }
      outputs = this.#outputs(slot, task, ctx);
    } catch (error) {
      this.#finish(slot, task, this.#deadLetter(slot, task, 'evolve', error));
      return;
    }
    try {
      checkUnit(
        { events: journal, outputs, timers: ctx.timerOps },
        this.#originBound,
        this.#options.checkOutput,
      );
    } catch (error) {
      const refused = error instanceof OutputRefused ? error : undefined;
      const unit = this.#deadLetter(
        slot,
        task,
        refused ? 'output' : 'store',
        refused?.refusal ?? error,
        refused,
      );
      this.#finish(slot, task, unit);
      return;
    }
    const before = slot.state;
    slot.state = state;
    slot.version += journal.length;
    const snapshot = this.#snapshot(
      slot,
      journal.length,
      hasDefect('snapshot-before-apply') ? before : state,
    );
    const { timersSet, timersDeleted } = this.#timerChanges(slot, task, ctx.timerOps);
    this.#finish(slot, task, {
      key: slot.key,
      inputSeq: seq,
      events: journal,
      snapshot,
      outputs,
      timersSet,
      timersDeleted,
      timerSerial: timersSet.length > 0 ? slot.timerSerial : undefined,
      deliveries: task.kind === 'input' ? [task.delivery] : [],
    });
  }

  #outputs(slot: KeySlot<S>, task: Task, ctx: StepContext<O>): OutputDraft[] {
    if (ctx.outputs.length === 0) return [];
    const subject = this.#options.outputSubject;
    if (subject === undefined) {
      throw new Error(
        `actor "${this.#def.name}" emitted an output but stage "${this.#options.stage}" has no output subject; set one`,
      );
    }
    const base = this.#msgIdBase(slot, task);
    const eventTime = task.kind === 'input' ? task.delivery.envelope.eventTime : task.at;
    return ctx.outputs.map((o, i) => ({
      msgId: `${base}:${i}`,
      subject,
      key: o.options?.key ?? slot.key,
      payload: o.payload,
      headers: o.options?.headers ?? {},
      eventTime,
    }));
  }

  /** The due snapshot of `state`, if any; a skipped one is logged. */
  #snapshot(slot: KeySlot<S>, applied: number, state: S): Snapshot | undefined {
    const due = dueSnapshot(this.#def, slot, applied, state);
    if (due.kind === 'skipped') {
      const { stage } = this.#options;
      this.#log.warn(
        { stage, partition: this.#claim.partition, key: slot.key, reason: due.reason },
        'state not snapshotted: no store keeps it; recovery replays the journal instead',
      );
      this.#options.onSnapshotSkipped?.();
    }
    return due.kind === 'taken' ? due.snapshot : undefined;
  }

  #msgIdBase(slot: KeySlot<S>, task: Task): string {
    return msgIdBase(this.#options.stage, this.#claim.partition, task, slot.key);
  }

  #timerChanges(
    slot: KeySlot<S>,
    task: Task,
    ops: readonly TimerOp[],
  ): Pick<Unit, 'timersSet' | 'timersDeleted'> {
    const final = new Map<string, TimerSpec | undefined>();
    if (task.kind === 'timer') final.set(task.name, undefined);
    for (const op of ops) final.set(op.name, op.entry);
    const timersSet: TimerRow[] = [];
    const timersDeleted: { actor: string; key: string; name: string }[] = [];
    for (const [name, entry] of final) {
      if (entry) {
        // Every setting is a new firing, even at the name and time of one that fired already.
        const serial = ++slot.timerSerial;
        const placed = entry.kind === 'event' && this.#placeEventTimer(slot, task, name, entry.at, serial);
        this.#timers.set(slot.key, name, { ...entry, serial }, !placed);
        timersSet.push({
          actor: this.#def.name,
          key: slot.key,
          name,
          kind: entry.kind,
          at: entry.at,
          stage: this.#options.stage,
          partition: this.#claim.partition,
          serial,
        });
      } else {
        this.#timers.delete(slot.key, name);
        timersDeleted.push({ actor: this.#def.name, key: slot.key, name });
      }
    }
    return { timersSet, timersDeleted };
  }

  #deadLetter(
    slot: KeySlot<S>,
    task: Task,
    phase: DeadLetterPhase,
    error: unknown,
    refused?: OutputRefused,
  ): Unit {
    const input: DeadLetterInput = {
      stage: this.#options.stage,
      actor: this.#def.name,
      subject: this.#options.deadLetterSubject,
      msgId: `${this.#msgIdBase(slot, task)}:dead`,
      key: task.kind === 'input' ? task.delivery.envelope.key : slot.key,
      phase,
      error,
      source: task.kind === 'input' ? task.delivery.envelope : undefined,
      ...(refused
        ? {
            output: {
              subject: refused.draft.subject,
              key: refused.draft.key,
              msgId: refused.draft.msgId,
              payload: refused.payload,
            },
          }
        : {}),
      ...(task.kind === 'timer' ? { timer: { name: task.name, kind: task.timerKind, at: task.at } } : {}),
    };
    const { full, minimal } = deadLetterDrafts(input);
    this.#log.warn(
      {
        stage: this.#options.stage,
        partition: this.#claim.partition,
        key: full.key,
        task: taskId(task),
        phase,
        reason: (full.payload as { reason: string }).reason.slice(0, 500),
      },
      'dead-lettered',
    );
    return {
      key: slot.key,
      inputSeq: task.kind === 'input' ? task.delivery.envelope.seq : undefined,
      events: [],
      snapshot: undefined,
      outputs: [
        fittingDeadLetter(full, minimal, this.#options.stage, (draft) =>
          checkOutputDraft(draft, 0, this.#originBound, this.#options.checkOutput),
        ),
      ],
      // A timer whose handler failed is spent: retrying it forever would wedge the key.
      timersSet: [],
      timersDeleted: task.kind === 'timer' ? this.#timerChanges(slot, task, []).timersDeleted : [],
      timerSerial: undefined,
      deliveries: task.kind === 'input' ? [task.delivery] : [],
    };
  }

  /** Ends a task: records its unit, marks its input done, and schedules a commit. */
  #finish(slot: KeySlot<S>, task: Task, unit: Unit | undefined): void {
    if (this.#failed) return;
    if (unit && task.kind === 'input' && task.delivery.envelope.origin)
      this.#buffer.applied(task.delivery.envelope.origin);
    slot.steps.delete(taskId(task));
    if (unit) {
      if (unit.inputSeq !== undefined && unit.inputSeq > slot.lastApplied) slot.lastApplied = unit.inputSeq;
      slot.uncommitted++;
      this.#buffer.add(unit);
    }
    if (task.kind === 'input') this.#tracker.done(task.delivery.envelope.seq);
    else if (task.holdSeq !== undefined) this.#tracker.done(task.holdSeq);
    this.#busyTasks--;
    if (this.#busyTasks === 0) {
      for (const w of this.#idleWaiters) w();
      this.#idleWaiters = [];
    }
    this.#scheduleCommit();
  }

  #persistSteps(slot: KeySlot<S>, task: string, steps: readonly StepRecord[]): Promise<void> {
    if (this.#failed) return Promise.reject(new Error('runtime aborted'));
    const events: JournalEvent[] = steps.map((step) => ({
      actor: this.#def.name,
      key: slot.key,
      version: ++slot.version,
      type: STEP_EVENT,
      schemaVersion: 1,
      data: { task, ...step },
      inputSeq: task.startsWith('seq:') ? Number(task.slice(4)) : 0,
      eventTime: this.#clock(),
    }));
    slot.uncommitted++;
    this.#buffer.add({
      key: slot.key,
      inputSeq: undefined,
      events,
      snapshot: undefined,
      outputs: [],
      timersSet: [],
      timersDeleted: [],
      timerSerial: undefined,
      deliveries: [],
    });
    return new Promise<void>((resolve, reject) => {
      this.#flushWaiters.push({ resolve, reject });
      void this.#commitNow();
    });
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
  #placeEventTimer(slot: KeySlot<S>, setter: Task, name: string, at: number, serial: number): boolean {
    const due = at + this.#lateness;
    for (let i = slot.queueHead; i < slot.queue.length; i++) {
      const queued = slot.queue[i];
      if (queued?.kind !== 'input' || queued.clock < due) continue;
      const holdSeq = queued.delivery.envelope.seq;
      this.#tracker.hold(holdSeq);
      this.#busyTasks++;
      queueFiring(slot, { kind: 'timer', name, timerKind: 'event', at, serial, holdSeq }, i);
      return true;
    }
    if (this.#eventClock < due) return false;
    const holdSeq = setter.kind === 'input' ? setter.delivery.envelope.seq : setter.holdSeq;
    if (holdSeq !== undefined) this.#tracker.hold(holdSeq);
    this.#busyTasks++;
    queueFiring(slot, { kind: 'timer', name, timerKind: 'event', at, serial, holdSeq });
    return true;
  }

  #fireDueEventTimers(holdSeq: number | undefined): void {
    for (const t of this.#timers.due('event', this.#eventClock - this.#lateness)) {
      if (holdSeq !== undefined) this.#tracker.hold(holdSeq);
      this.#enqueue(t.key, {
        kind: 'timer',
        name: t.name,
        timerKind: 'event',
        at: t.at,
        serial: t.serial,
        holdSeq,
      });
    }
  }

  #fireDueProcessingTimers(): void {
    if (this.#stopped) return;
    for (const t of this.#timers.due('processing', this.#clock())) {
      this.#enqueue(t.key, {
        kind: 'timer',
        name: t.name,
        timerKind: 'processing',
        at: t.at,
        serial: t.serial,
        holdSeq: undefined,
      });
    }
  }

  #scheduleCommit(): void {
    // A task that writes nothing (a firing whose timer was moved since) can still move the watermark.
    const pending = this.#buffer.size > 0 || this.#tracker.watermark > this.#committedWatermark;
    if (this.#buffer.size >= this.#commitEvery) {
      void this.#commitNow();
    } else if (this.#commitTimer === undefined && pending) {
      this.#commitTimer = setTimeout(() => {
        this.#commitTimer = undefined;
        void this.#commitNow();
      }, this.#commitIntervalMs);
    }
  }

  /** Commits what is buffered; if a commit is under way, runs again once it ends. */
  async #commitNow(): Promise<void> {
    // Several callers may wait here; each re-checks once the commit ahead of it ends.
    while (this.#committing !== undefined) await this.#committing;
    if (this.#failed) return;
    if (this.#buffer.size === 0 && this.#tracker.watermark <= this.#committedWatermark) return;
    if (this.#commitTimer) {
      clearTimeout(this.#commitTimer);
      this.#commitTimer = undefined;
    }
    this.#committing = this.#commitOnce().finally(() => {
      this.#committing = undefined;
    });
    await this.#committing;
    if (this.#buffer.size >= this.#commitEvery || this.#flushWaiters.length > 0) return this.#commitNow();
    this.#scheduleCommit();
  }

  async #commitOnce(): Promise<void> {
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    const taken = this.#buffer.take(
      this.#claim.epoch,
      this.#def.snapshot?.keep ?? 1,
      this.#tracker.watermark,
      this.#tracker.eventTimeWatermark,
    );
    try {
      await this.#options.store.commit(taken.batch);
    } catch (error) {
      for (const w of waiters) w.reject(error);
      this.#fail(error);
      return;
    }
    if (this.#failed) return;
    this.#committedWatermark = taken.batch.watermark ?? this.#committedWatermark;
    for (const [key, n] of taken.unitsByKey) {
      const slot = this.#slots.get(key);
      if (slot) slot.uncommitted -= n;
    }
    for (const w of waiters) w.resolve();
    this.#options.onCommit?.(this.#claim.partition, this.#committedWatermark);
    if (taken.outbox.length > 0) this.#hooks.onCommitted(taken.outbox);
    this.#ack(taken.deliveries);
    for (const [seq, held] of this.#heldAcks) {
      if (seq > this.#committedWatermark) continue;
      this.#heldAcks.delete(seq);
      this.#ack(held);
    }
    this.#passivate();
  }

  #ack(deliveries: readonly Delivery[]): void {
    for (const d of deliveries) {
      this.#signals.release(d);
      d.ack().catch((error: unknown) => {
        // A lost ack only means a redelivery, which the dedup skips.
        this.#log.debug({ seq: d.envelope.seq, error: String(error) }, 'ack failed');
      });
    }
  }

  #passivate(): void {
    let excess = this.#slots.size - this.#maxActiveKeys;
    if (excess <= 0) return;
    for (const [key, slot] of this.#slots) {
      if (excess <= 0) break;
      if (!isIdle(slot) || slot.steps.size > 0) continue;
      this.#slots.delete(key);
      excess--;
    }
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    if (error instanceof FencedError) {
      this.#log.warn(
        { stage: this.#options.stage, partition: this.#claim.partition },
        'fenced: another owner took the partition',
      );
    } else {
      this.#log.error(
        { stage: this.#options.stage, partition: this.#claim.partition, error: String(error) },
        'partition runtime failed; it restarts from the committed state',
      );
    }
    this.abort();
    this.#hooks.onFailed(error);
  }
}

/** Keys loaded at once per partition (see `LoadQueue`). */
const MAX_CONCURRENT_LOADS = 16;

/** What the logs default to when a consumer names no ack wait. */
const DEFAULT_ACK_WAIT_MS = 30_000;

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === 'function';
}

function emptyUnit(key: string, seq: number, delivery: Delivery): Unit {
  return {
    key,
    inputSeq: seq,
    events: [],
    snapshot: undefined,
    outputs: [],
    timersSet: [],
    timersDeleted: [],
    timerSerial: undefined,
    deliveries: [delivery],
  };
}
