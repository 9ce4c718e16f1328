import type { ActorDefinition, ActorEvent, Decision, FiredTimer } from '../actor/actor-definition.ts';
import { hasDefect } from '../defects.ts';
import type { AppliedOrigins } from '../exactly-once/applied-origins.ts';
import type { Committer } from '../exactly-once/committer.ts';
import type { AppendRecord } from '../log/log.ts';
import type { Logger } from '../logger.ts';
import type { JournalEvent, Json, Snapshot } from '../store/store.ts';
import type { DeadLetterPhase } from './dead-letter.ts';
import { deadLetterUnit } from './dead-letter-unit.ts';
import { dueSnapshot } from './due-snapshot.ts';
import { type KeySlot, type Task, taskId } from './key-slot.ts';
import { msgIdBase } from './msg-ids.ts';
import type { RuntimeOptions } from './runtime-options.ts';
import { StepContext } from './step-context.ts';
import { type StepRecord, stepsUnit } from './steps.ts';
import type { TimerScheduler } from './timer-scheduler.ts';
import { type OutputDraft, skippedUnit, type Unit } from './unit.ts';
import { checkUnit, OutputRefused } from './unit-check.ts';

type Firing = Extract<Task, { kind: 'timer' }>;

/** What a task needs from the rest of the partition runtime. */
export interface TaskHost {
  readonly committer: Committer;
  readonly timers: TimerScheduler;
  /** Origins of inputs applied, committed or in flight: a second record with one is a republish. */
  readonly taken: AppliedOrigins;
  /** A task ended (the scheduler's count). */
  finished(): void;
  /** The runtime stopped: late results of asynchronous code are dropped. */
  stopped(): boolean;
}

/**
 * Runs one task of a key — an input or a timer firing — through the actor:
 * skip what the key applied already (step 5 of the protocol), decode, decide,
 * evolve, check that everything it would write can be stored and published,
 * and hand the task's unit (events, snapshot, outputs, timers) to the
 * committer. A failure of the record is its dead letter; the key goes on.
 */
export class TaskRunner<S extends Json, I, E extends ActorEvent, O extends Json> {
  readonly #def: ActorDefinition<S, I, E, O>;
  readonly #o: RuntimeOptions<I>;
  readonly #partition: number;
  readonly #host: TaskHost;
  readonly #log: Logger;
  readonly #clock: () => number;
  /** What an output's origin will be at its commit, for checking its size (a seq as long as any). */
  readonly #originBound: AppendRecord['origin'];

  constructor(
    def: ActorDefinition<S, I, E, O>,
    options: RuntimeOptions<I>,
    partition: number,
    host: TaskHost,
    log: Logger,
  ) {
    this.#def = def;
    this.#o = options;
    this.#partition = partition;
    this.#host = host;
    this.#log = log;
    this.#clock = options.clock ?? Date.now;
    this.#originBound = { id: `${options.stage}/${partition}`, seq: Number.MAX_SAFE_INTEGER };
  }

  /** Runs one task; returns a promise only when the actor's code is asynchronous. */
  run(slot: KeySlot<S>, task: Task): Promise<void> | undefined {
    if (task.kind === 'timer') return this.#fire(slot, task);
    const env = task.delivery.envelope;
    if (env.seq <= slot.lastApplied && !hasDefect('no-dedup'))
      return this.#finish(slot, task, skippedUnit(slot.key, task.delivery));
    // An upstream stage's output seen before under another seq: republished after the log's
    // duplicate window (the original of the same key ran first: one key runs in order).
    if (env.origin && !this.#host.taken.add(env.origin.id, env.origin.seq) && !hasDefect('no-dedup')) {
      return this.#finish(slot, task, skippedUnit(slot.key, task.delivery));
    }
    if (task.keyProblem !== undefined) return this.#deadLettered(slot, task, 'key', task.keyProblem);
    let input: I;
    try {
      input = this.#o.decode(env.payload, env);
    } catch (error) {
      return this.#deadLettered(slot, task, 'decode', error);
    }
    const ctx = this.#context(slot, task, {
      seq: env.seq,
      id: env.id,
      eventTime: env.eventTime,
      headers: env.headers,
    });
    return this.#decided(slot, task, ctx, 'decide', () => this.#def.decide(slot.state, input, ctx));
  }

  #fire(slot: KeySlot<S>, task: Firing): Promise<void> | undefined {
    const onTimer = this.#def.onTimer;
    if (!onTimer || this.#host.timers.live(slot.key, task.name)?.serial !== task.serial) {
      // Moved, set again or cancelled since it came due: nothing to do.
      return this.#finish(slot, task, undefined);
    }
    const ctx = this.#context(slot, task, undefined);
    const fired: FiredTimer = { name: task.name, kind: task.timerKind, at: task.at };
    return this.#decided(slot, task, ctx, 'onTimer', () => onTimer(slot.state, fired, ctx));
  }

  /** Runs decide (or onTimer) and applies its events, now or once its promise settles. */
  #decided(
    slot: KeySlot<S>,
    task: Task,
    ctx: StepContext<O>,
    phase: 'decide' | 'onTimer',
    decide: () => Decision<E>,
  ): Promise<void> | undefined {
    let decision: Decision<E>;
    try {
      decision = decide();
    } catch (error) {
      return this.#deadLettered(slot, task, phase, error);
    }
    if (!isPromise(decision)) return this.#apply(slot, task, ctx, decision);
    return decision.then(
      (events) => this.#apply(slot, task, ctx, events),
      (error: unknown) => (this.#host.stopped() ? undefined : this.#deadLettered(slot, task, phase, error)),
    );
  }

  #context(slot: KeySlot<S>, task: Task, input: StepContext<O>['input']): StepContext<O> {
    const id = taskId(task);
    return new StepContext<O>(
      {
        actor: this.#def.name,
        clock: this.#clock,
        timer: (name) => {
          const live = this.#host.timers.live(slot.key, name);
          return live && { kind: live.kind, at: live.at };
        },
        persist: (steps) => this.#persistSteps(slot, id, steps),
      },
      slot.key,
      input,
      id,
      slot.steps.get(id) ?? [],
    );
  }

  /** Folds the decided events into state and hands the task's unit to the committer. */
  #apply(slot: KeySlot<S>, task: Task, ctx: StepContext<O>, events: readonly E[]): undefined {
    if (this.#host.stopped()) return undefined;
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
      return this.#deadLettered(slot, task, 'evolve', error);
    }
    try {
      checkUnit({ events: journal, outputs, timers: ctx.timerOps }, this.#originBound, this.#o.checkOutput);
    } catch (error) {
      const refused = error instanceof OutputRefused ? error : undefined;
      return this.#deadLettered(slot, task, refused ? 'output' : 'store', refused?.refusal ?? error, refused);
    }
    const before = slot.state;
    slot.state = state;
    slot.version += journal.length;
    const snapshot = this.#snapshot(
      slot,
      journal.length,
      hasDefect('snapshot-before-apply') ? before : state,
    );
    const { timersSet, timersDeleted } = this.#host.timers.changes(slot, task, ctx.timerOps);
    return this.#finish(slot, task, {
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
    const subject = this.#o.outputSubject;
    if (subject === undefined) {
      throw new Error(
        `actor "${this.#def.name}" emitted an output but stage "${this.#o.stage}" has no output subject; set one`,
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
      this.#log.warn(
        { stage: this.#o.stage, partition: this.#partition, key: slot.key, reason: due.reason },
        'state not snapshotted: no store keeps it; recovery replays the journal instead',
      );
      this.#o.onSnapshotSkipped?.();
    }
    return due.kind === 'taken' ? due.snapshot : undefined;
  }

  #msgIdBase(slot: KeySlot<S>, task: Task): string {
    return msgIdBase(this.#o.stage, this.#partition, task, slot.key);
  }

  /** The task failed on its record: its dead letter, and the key goes on. */
  #deadLettered(
    slot: KeySlot<S>,
    task: Task,
    phase: DeadLetterPhase,
    error: unknown,
    refused?: OutputRefused,
  ): undefined {
    const unit = deadLetterUnit({
      stage: this.#o.stage,
      actor: this.#def.name,
      subject: this.#o.deadLetterSubject,
      msgIdBase: this.#msgIdBase(slot, task),
      slotKey: slot.key,
      task,
      phase,
      error,
      ...(refused ? { refused } : {}),
      timersDeleted: task.kind === 'timer' ? this.#host.timers.changes(slot, task, []).timersDeleted : [],
      origin: this.#originBound,
      checkOutput: this.#o.checkOutput,
    });
    const letter = unit.outputs[0]?.payload as { reason?: string } | undefined;
    this.#log.warn(
      {
        stage: this.#o.stage,
        partition: this.#partition,
        key: unit.outputs[0]?.key,
        task: taskId(task),
        phase,
        reason: letter?.reason?.slice(0, 500),
      },
      'dead-lettered',
    );
    return this.#finish(slot, task, unit);
  }

  /** Ends a task: its unit joins the next commit and its input is done. */
  #finish(slot: KeySlot<S>, task: Task, unit: Unit | undefined): undefined {
    if (this.#host.stopped()) return undefined;
    slot.steps.delete(taskId(task));
    if (unit) {
      if (unit.inputSeq !== undefined && unit.inputSeq > slot.lastApplied) slot.lastApplied = unit.inputSeq;
      slot.uncommitted++;
    }
    const input = task.kind === 'input' ? task.delivery.envelope : undefined;
    this.#host.committer.finish(
      unit,
      input ? input.seq : task.kind === 'timer' ? task.holdSeq : undefined,
      input?.origin,
    );
    this.#host.finished();
    return undefined;
  }

  /** Journals a task's steps before their results are used (one commit, awaited). */
  #persistSteps(slot: KeySlot<S>, task: string, steps: readonly StepRecord[]): Promise<void> {
    if (this.#host.stopped()) return Promise.reject(new Error('runtime aborted'));
    slot.uncommitted++;
    this.#host.committer.add(stepsUnit(this.#def.name, slot, task, steps, this.#clock()));
    return this.#host.committer.flush();
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === 'function';
}
