import type { InputInfo } from '../actor/actor-context.ts';
import type { ActorEvent } from '../actor/actor-definition.ts';
import { UnavailableError } from '../errors/unavailable-error.ts';
import type { Json, MemoryChange } from '../store/store.ts';
import type { DeadLetterPhase } from './dead-letter.ts';
import type { KeySlot, Task } from './key-slot.ts';
import type { TimerOp } from './step-context.ts';
import type { OutputDraft } from './unit.ts';
import type { OutputRefused } from './unit-check.ts';

/** A record on its way through a task's steps. */
export interface Flowing {
  readonly value: unknown;
  /** The key it is published under at a sink (an actor meets only its task's key). */
  readonly key: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** An actor's share of one attempt: applied to its slot only if the whole task succeeds. */
export interface Tentative {
  state: Json;
  /** The state before the task, for the `snapshot-before-apply` defect. */
  readonly before: Json;
  readonly events: ActorEvent[];
  readonly timerOps: TimerOp[];
  /** Long-term memory writes, committed with the events. */
  readonly memories: MemoryChange[];
  /** Calls of the actor so far in this task (a split meets it more than once). */
  calls: number;
}

/**
 * One attempt of a task: what it would write, kept apart from the key's
 * state until every step of every record succeeded. A task is all or
 * nothing: one record that fails dead-letters the input, and nothing of the
 * other records is applied.
 */
export interface Attempt {
  readonly slot: KeySlot;
  readonly task: Task;
  readonly id: string;
  readonly seq: number | undefined;
  readonly eventTime: number;
  readonly input: InputInfo | undefined;
  /** Per actor of the program, by index; undefined until the task calls it. */
  readonly actors: (Tentative | undefined)[];
  readonly drafts: OutputDraft[];
}

/** A step failed on its record: the task becomes a dead letter of this phase. */
export class StepFailure extends Error {
  override readonly name = 'StepFailure';
  readonly phase: DeadLetterPhase;
  readonly error: unknown;
  readonly refused: OutputRefused | undefined;
  /** The actor that failed, when one did: its name goes into the dead letter. */
  readonly actor: string | undefined;

  constructor(phase: DeadLetterPhase, error: unknown, refused?: OutputRefused, actor?: string) {
    super(error instanceof Error ? error.message : String(error));
    this.phase = phase;
    this.error = error;
    this.refused = refused;
    this.actor = actor;
  }

  /** The same failure, laid at `actor`'s door (unless an inner actor took it already). */
  of(actor: string): StepFailure {
    return this.actor === undefined ? new StepFailure(this.phase, this.error, this.refused, actor) : this;
  }
}

/** Runs `step`; a throw becomes a `StepFailure` of `phase` (one already a failure keeps its own). */
export function failingAs<T>(phase: DeadLetterPhase, step: () => T): T {
  try {
    return step();
  } catch (error) {
    throw asFailure(phase, error);
  }
}

/**
 * A step's error as the task sees it: a `StepFailure` dead-letters the input;
 * an `UnavailableError` (a service down, not the record's fault) stays as it
 * is and restarts the partition from its last commit.
 */
export function asFailure(phase: DeadLetterPhase, error: unknown): unknown {
  return error instanceof StepFailure || error instanceof UnavailableError
    ? error
    : new StepFailure(phase, error);
}
