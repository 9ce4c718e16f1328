import type { FiredTimer } from '../actor/actor-definition.ts';
import { hasDefect } from '../defects.ts';
import type { AppliedOrigins } from '../exactly-once/applied-origins.ts';
import type { Committer } from '../exactly-once/committer.ts';
import type { AppendRecord } from '../log/log.ts';
import type { Logger } from '../logger.ts';
import { type CallHost, callActor } from './actor-call.ts';
import { type Attempt, type Flowing, failingAs, StepFailure } from './attempt.ts';
import { type CompleteOptions, completeAttempt, completeOptions } from './complete-attempt.ts';
import { deadLetterUnit } from './dead-letter-unit.ts';
import { runEach } from './each-step.ts';
import { kept } from './kept-results.ts';
import type { KeySlot } from './key-slot.ts';
import { msgIdBase } from './msg-ids.ts';
import type { Program, ProgramStep } from './program.ts';
import type { RuntimeOptions } from './runtime-options.ts';
import { type Task, taskId } from './task.ts';
import type { TimerScheduler } from './timer-scheduler.ts';
import { skippedUnit, type Unit } from './unit.ts';
import type { OutputCheck } from './unit-check.ts';

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
  /** Aborted when the runtime stops at once: asynchronous per-record steps are unsubscribed (their calls cancelled). */
  readonly signal: AbortSignal;
}

/**
 * Runs one task of a key — an input or a timer firing — through the program:
 * skip what the key applied already (step 5 of the protocol), decode, then
 * every step on every record (RxJS operators, actors, sinks), keeping what it
 * would write apart (an `Attempt`) until all of it succeeded; then check that
 * every value can be stored and published and hand the task's unit to the
 * committer. A failure of the record (a step, an actor, a value) is its dead
 * letter, and the key goes on.
 */
export class TaskRunner {
  readonly #program: Program;
  readonly #o: RuntimeOptions;
  readonly #partition: number;
  readonly #host: TaskHost;
  readonly #log: Logger;
  readonly #clock: () => number;
  /** Where the program's steps sit by actor index: a firing resumes after its actor. */
  readonly #stepOfActor: ReadonlyMap<number, number>;
  /** What an output's origin will be at its commit, for checking its size (a seq as long as any). */
  readonly #originBound: AppendRecord['origin'];
  readonly #calls: CallHost;
  readonly #allowedLatenessMs: number;
  /** What completing an attempt needs: made once, not per task. */
  readonly #completing: CompleteOptions;

  constructor(program: Program, options: RuntimeOptions, partition: number, host: TaskHost, log: Logger) {
    this.#program = program;
    this.#o = options;
    this.#partition = partition;
    this.#host = host;
    this.#log = log;
    this.#clock = options.clock ?? Date.now;
    this.#allowedLatenessMs = options.allowedLatenessMs ?? 0;
    this.#stepOfActor = new Map(
      program.steps.flatMap((step, i) => (step.kind === 'actor' ? [[step.actor, i] as const] : [])),
    );
    this.#originBound = { id: `${options.stage}/${partition}`, seq: Number.MAX_SAFE_INTEGER };
    this.#calls = {
      actors: program.actors,
      timers: host.timers,
      committer: host.committer,
      clock: this.#clock,
      stopped: () => host.stopped(),
      publish: (a, subject, record) => this.#publish(a, subject, record.key, record),
    };
    this.#completing = completeOptions(
      program.actors,
      host.timers,
      this.#originBound,
      options,
      partition,
      log,
    );
  }

  /** Runs one task; returns a promise only when some step is asynchronous. */
  run(slot: KeySlot, task: Task): Promise<void> | undefined {
    if (task.kind === 'timer') return this.#fire(slot, task);
    const env = task.delivery.envelope;
    if (env.seq <= slot.lastApplied && !hasDefect('no-dedup')) {
      return this.#finish(slot, task, skippedUnit(slot.key, task.delivery));
    }
    // An upstream stage's output seen before under another seq: republished after the log's
    // duplicate window (the original of the same key ran first: one key runs in order).
    if (env.origin && !this.#host.taken.add(env.origin.id, env.origin.seq) && !hasDefect('no-dedup')) {
      return this.#finish(slot, task, skippedUnit(slot.key, task.delivery));
    }
    if (task.keyProblem !== undefined)
      return this.#deadLettered(slot, task, new StepFailure('key', task.keyProblem));
    let value: unknown;
    try {
      value = task.decoded ? task.decoded.value : this.#program.decode(env.payload, env);
    } catch (error) {
      return this.#deadLettered(slot, task, new StepFailure('decode', error));
    }
    const eventTime = task.eventTime ?? env.eventTime;
    const a = this.#attempt(slot, task, env.seq, eventTime, {
      seq: env.seq,
      id: env.id,
      eventTime,
      headers: env.headers,
      eventTimeWatermark: task.clock - this.#allowedLatenessMs,
    });
    return this.#guard(a, () => this.#walk(a, 0, [{ value, key: slot.key, headers: {} }], 0, []));
  }

  #fire(slot: KeySlot, task: Firing): Promise<void> | undefined {
    const def = this.#program.actors[task.actor];
    if (!def?.onTimer || this.#host.timers.live(task.actor, slot.key, task.name)?.serial !== task.serial) {
      // Moved, set again or cancelled since it came due: nothing to do.
      return this.#finish(slot, task, undefined);
    }
    const a = this.#attempt(slot, task, undefined, task.at, undefined);
    const fired: FiredTimer = { name: task.name, kind: task.timerKind, at: task.at };
    const next = (this.#stepOfActor.get(task.actor) ?? this.#program.steps.length) + 1;
    const out: Flowing[] = [];
    return this.#guard(a, () => {
      const pending = this.#inActor(task.actor, () => callActor(this.#calls, a, task.actor, fired, out));
      return pending ? pending.then(() => this.#walk(a, next, out, 0, [])) : this.#walk(a, next, out, 0, []);
    });
  }

  #attempt(
    slot: KeySlot,
    task: Task,
    seq: number | undefined,
    eventTime: number,
    input: Attempt['input'],
  ): Attempt {
    return { slot, task, id: taskId(task), seq, eventTime, input, actors: [], drafts: [] };
  }

  /** Runs the steps from step `i`, record `r` of `records` on, collecting the next step's records in `next`. */
  #walk(a: Attempt, i: number, records: Flowing[], r: number, next: Flowing[]): Promise<void> | undefined {
    const steps = this.#program.steps;
    let current = records;
    let out = next;
    for (let step = i, from = r; step < steps.length; step++, from = 0) {
      const s = steps[step] as ProgramStep;
      for (let k = from; k < current.length; k++) {
        const pending = this.#step(a, s, current[k] as Flowing, out);
        if (pending) {
          const [at, input, output] = [step, current, out];
          return pending.then(() => this.#walk(a, at, input, k + 1, output));
        }
      }
      current = out;
      out = [];
    }
    return this.#complete(a, current);
  }

  #step(a: Attempt, step: ProgramStep, record: Flowing, out: Flowing[]): Promise<void> | undefined {
    switch (step.kind) {
      case 'each':
        return runEach(step.op, record, out, this.#host.signal);
      case 'actor':
        return this.#inActor(step.actor, () => callActor(this.#calls, a, step.actor, record, out));
      case 'sink':
        this.#publish(a, step.subject, record.key, record);
        out.push(record);
        return undefined;
      case 'hop':
        this.#publish(
          a,
          step.subject,
          failingAs('step', () => step.keyOf(record.value)),
          record,
        );
        return undefined;
    }
  }

  /** Runs an actor's call; a failure of it names the actor. */
  #inActor(index: number, call: () => Promise<void> | undefined): Promise<void> | undefined {
    const name = this.#program.actors[index]?.name ?? this.#o.stage;
    const named = (error: unknown): never => {
      throw error instanceof StepFailure ? error.of(name) : error;
    };
    try {
      return call()?.catch(named);
    } catch (error) {
      return named(error);
    }
  }

  /** Every record went through: check what the task would write, apply it, hand it on. */
  #complete(a: Attempt, results: readonly Flowing[]): undefined {
    if (this.#host.stopped()) return undefined;
    if (results.length > 0 && this.#program.end === 'refuse') {
      throw new StepFailure(
        'evolve',
        new Error(`stage "${this.#o.stage}" has no output subject, but its actor emitted; set one`),
      );
    }
    const done = completeAttempt(a, this.#completing);
    const unit =
      this.#program.end === 'results' && results.length > 0 ? { ...done, results: kept(results) } : done;
    return this.#finish(a.slot, a.task, unit);
  }

  /** Runs a task's steps; a failure of its record (now or later) becomes its dead letter. */
  #guard(a: Attempt, work: () => Promise<void> | undefined): Promise<void> | undefined {
    const failed = (error: unknown): undefined => {
      if (!(error instanceof StepFailure)) throw error;
      return this.#host.stopped() ? undefined : this.#deadLettered(a.slot, a.task, error);
    };
    let pending: Promise<void> | undefined;
    try {
      pending = work();
    } catch (error) {
      return failed(error);
    }
    return pending?.catch(failed);
  }

  /** An output of the attempt: its msg id numbers the task's outputs in the order they are made. */
  #publish(a: Attempt, subject: string, key: string, record: Flowing): void {
    a.drafts.push({
      msgId: `${this.#msgIdBase(a)}:${a.drafts.length}`,
      subject,
      key,
      payload: record.value as never,
      headers: record.headers,
      eventTime: a.eventTime,
    });
  }

  #msgIdBase(a: Attempt): string {
    return msgIdBase(this.#o.stage, this.#partition, a.task, a.slot.key);
  }

  /** The task failed on its record: its dead letter, and the key goes on. */
  #deadLettered(slot: KeySlot, task: Task, failure: StepFailure): undefined {
    const firingActor = task.kind === 'timer' ? task.actor : undefined;
    const unit = deadLetterUnit({
      stage: this.#o.stage,
      actor: failure.actor ?? this.#program.actors[firingActor ?? this.#firstActor()]?.name ?? this.#o.stage,
      subject: this.#o.deadLetterSubject,
      msgIdBase: msgIdBase(this.#o.stage, this.#partition, task, slot.key),
      slotKey: slot.key,
      task,
      phase: failure.phase,
      error: failure.error,
      ...(failure.refused ? { refused: failure.refused } : {}),
      // A firing whose handler failed is spent: retrying it forever would wedge the key.
      timersDeleted:
        firingActor === undefined ? [] : this.#host.timers.changes(slot, task, firingActor, []).timersDeleted,
      origin: this.#originBound,
      checkOutput: this.#o.checkOutput as OutputCheck | undefined,
    });
    const letter = unit.outputs[0]?.payload as { reason?: string } | undefined;
    this.#log.warn(
      {
        stage: this.#o.stage,
        partition: this.#partition,
        key: unit.outputs[0]?.key,
        task: taskId(task),
        phase: failure.phase,
        reason: letter?.reason?.slice(0, 500),
      },
      'dead-lettered',
    );
    return this.#finish(slot, task, unit);
  }

  #firstActor(): number {
    const step = this.#program.steps.find((s) => s.kind === 'actor');
    return step?.kind === 'actor' ? step.actor : 0;
  }

  /** Ends a task: its unit joins the next commit and its input is done. */
  #finish(slot: KeySlot, task: Task, unit: Unit | undefined): undefined {
    if (this.#host.stopped()) return undefined;
    const id = taskId(task);
    for (const actor of slot.actors) {
      for (const call of actor.steps.keys())
        if (call === id || call.startsWith(`${id}/`)) actor.steps.delete(call);
    }
    if (unit) {
      if (unit.inputSeq !== undefined && unit.inputSeq > slot.lastApplied) slot.lastApplied = unit.inputSeq;
      slot.uncommitted++;
    }
    const input = task.kind === 'input' ? task.delivery.envelope : undefined;
    const doneSeq = input ? input.seq : task.kind === 'timer' ? task.holdSeq : undefined;
    this.#host.committer.finish(unit, doneSeq, input?.origin);
    this.#host.finished();
    return undefined;
  }
}
