import type { ActorEvent, Decision, FiredTimer } from '../actor/actor-definition.ts';
import type { Committer } from '../exactly-once/committer.ts';
import { shown } from '../text.ts';
import { type Attempt, asFailure, type Flowing, failingAs, StepFailure, type Tentative } from './attempt.ts';
import type { AnyActor } from './program.ts';
import { StepContext, type StepHost } from './step-context.ts';
import { type StepRecord, stepsUnit } from './steps.ts';
import { callId } from './task.ts';
import type { TimerSpec } from './timer-index.ts';
import type { TimerScheduler } from './timer-scheduler.ts';

/** What an actor call needs besides the attempt. */
export interface CallHost {
  readonly actors: readonly AnyActor[];
  readonly timers: TimerScheduler;
  readonly committer: Committer;
  readonly clock: () => number;
  stopped(): boolean;
  /** An output the actor sent straight to a subject (`ctx.emit(p, { subject })`): part of the attempt's outputs. */
  publish(a: Attempt, subject: string, record: Flowing): void;
}

/**
 * Calls actor `index` of the program on one record of an attempt: `decide`
 * (or `onTimer` for a firing) on the actor's state as the task left it so
 * far, then `evolve` of each event. The events, state and timer operations
 * stay in the attempt (see `Attempt`); what the actor emits flows on to
 * `out`. Returns a promise only when the actor's code is asynchronous.
 */
export function callActor(
  host: CallHost,
  a: Attempt,
  index: number,
  record: Flowing | FiredTimer,
  out: Flowing[],
): Promise<void> | undefined {
  const def = host.actors[index];
  if (!def) throw new Error(`the program has no actor ${index}`);
  const firing = !('value' in record);
  if (!firing && record.key !== a.slot.key) {
    throw new StepFailure(
      'decide',
      new Error(
        `a record keyed ${shown(record.key)} reached actor "${def.name}" in the task of key ${shown(a.slot.key)}; re-key records with keyBy before an actor`,
      ),
    );
  }
  const t = tentative(a, index);
  const ctx = context(host, a, index, t);
  const phase = firing ? 'onTimer' : 'decide';
  const decision = failingAs(phase, (): Decision<ActorEvent> => {
    if (!firing) return def.decide(t.state, record.value, ctx);
    if (!def.onTimer) return [];
    return def.onTimer(t.state, record, ctx);
  });
  const emitted = (record: Flowing, subject: string | undefined): void => {
    if (subject === undefined) out.push(record);
    else host.publish(a, subject, record);
  };
  if (!isPromise(decision)) return evolved(def, t, ctx, decision, emitted);
  return decision.then(
    (events) => (host.stopped() ? undefined : evolved(def, t, ctx, events, emitted)),
    (error: unknown) => {
      throw asFailure(phase, error);
    },
  );
}

function tentative(a: Attempt, index: number): Tentative {
  let t = a.actors[index];
  if (!t) {
    const slot = a.slot.actors[index];
    if (!slot) throw new Error(`key ${a.slot.key} has no actor ${index}`);
    t = { state: slot.state, before: slot.state, events: [], timerOps: [], memories: [], calls: 0 };
    a.actors[index] = t;
  }
  return t;
}

function context(host: CallHost, a: Attempt, index: number, t: Tentative): StepContext<never> {
  const id = callId(a.id, t.calls++);
  const actorSlot = a.slot.actors[index];
  return new StepContext<never>(
    new CallSteps(host, a, index, t, id),
    a.slot.key,
    a.input,
    id,
    actorSlot?.steps.get(id) ?? [],
  );
}

/** What one call's ctx asks of the runtime (one object per call rather than a closure per question). */
class CallSteps implements StepHost {
  readonly actor: string;
  readonly clock: () => number;
  readonly #host: CallHost;
  readonly #a: Attempt;
  readonly #index: number;
  readonly #t: Tentative;
  readonly #id: string;

  constructor(host: CallHost, a: Attempt, index: number, t: Tentative, id: string) {
    this.actor = (host.actors[index] as AnyActor).name;
    this.clock = host.clock;
    this.#host = host;
    this.#a = a;
    this.#index = index;
    this.#t = t;
    this.#id = id;
  }

  timer(name: string): TimerSpec | undefined {
    // Earlier calls of this task may have moved it already.
    const ops = this.#t.timerOps;
    for (let i = ops.length - 1; i >= 0; i--) {
      const op = ops[i];
      if (op?.name === name) return op.entry;
    }
    const live = this.#host.timers.live(this.#index, this.#a.slot.key, name);
    return live && { kind: live.kind, at: live.at };
  }

  persist(steps: readonly StepRecord[]): Promise<void> {
    return persistSteps(this.#host, this.#a, this.#index, this.#id, steps);
  }
}

/** Folds the decided events into the attempt's state of the actor; its outputs flow on or out. */
function evolved(
  def: AnyActor,
  t: Tentative,
  ctx: StepContext<never>,
  events: readonly ActorEvent[],
  emitted: (record: Flowing, subject: string | undefined) => void,
): undefined {
  const subjects = def.emitsTo ?? [];
  for (const { options } of ctx.outputs) {
    if (options?.subject !== undefined && !subjects.includes(options.subject)) {
      throw new StepFailure(
        'decide',
        new Error(
          `actor "${def.name}" emitted to ${shown(options.subject)}, which is not in its emitsTo (${subjects.map(shown).join(', ') || 'none'}); list it there so the pipeline creates its topic`,
        ),
      );
    }
  }
  failingAs('evolve', () => {
    if (!Array.isArray(events)) throw new TypeError(`${def.name}: decide must return an array of events`);
    let state = t.state;
    for (const event of events) {
      if (typeof event?.type !== 'string' || event.type.startsWith('$')) {
        throw new TypeError(
          `every event needs a string "type" not starting with "$", got ${JSON.stringify(event)}`,
        );
      }
      state = def.evolve(state, event);
    }
    t.state = state;
    for (const event of events) t.events.push(ctx.journaled(event));
  });
  t.timerOps.push(...ctx.timerOps);
  t.memories.push(...ctx.memoryWrites);
  for (const o of ctx.outputs) {
    const record = { value: o.payload, key: o.options?.key ?? ctx.key, headers: o.options?.headers ?? {} };
    emitted(record, o.options?.subject);
  }
  return undefined;
}

/** Journals a call's steps before their results are used (one commit, awaited). */
function persistSteps(
  host: CallHost,
  a: Attempt,
  index: number,
  id: string,
  steps: readonly StepRecord[],
): Promise<void> {
  const def = host.actors[index];
  const slot = a.slot.actors[index];
  if (host.stopped() || !def || !slot) return Promise.reject(new Error('runtime aborted'));
  a.slot.uncommitted++;
  host.committer.add(stepsUnit(def.name, a.slot.key, slot, id, steps, host.clock()));
  return host.committer.flush();
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === 'function';
}
