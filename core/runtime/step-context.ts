import type { ActorContext, EmitOptions, InputInfo, StepInfo, Timers } from '../actor/actor-context.ts';
import type { ActorEvent } from '../actor/actor-definition.ts';
import { NonDeterminismError } from '../errors/non-determinism-error.ts';
import { checkJson } from '../store/storable.ts';
import type { Json, MemoryChange } from '../store/store.ts';
import { seededRandom, seedOf } from './seeded-random.ts';
import { stepRefTo } from './step-refs.ts';
import { NAMED_STEP_INDEX, type StepRecord } from './steps.ts';
import type { TimerSpec } from './timer-index.ts';

const NONE_RECORDED: ReadonlyMap<number, StepRecord> = new Map();

export interface TimerOp {
  readonly name: string;
  readonly entry: TimerSpec | undefined;
}

export interface StepHost {
  readonly actor: string;
  readonly clock: () => number;
  /** Journals the steps and resolves once they are committed. */
  persist(steps: readonly StepRecord[]): Promise<void>;
  timer(name: string): TimerSpec | undefined;
}

/**
 * The ctx of one task. Steps recorded by an earlier attempt of the same task
 * are returned in call order; new ones are recorded, and `run` commits them
 * before it returns, so a side effect's result is durable before it is used.
 */
export class StepContext<O extends Json> implements ActorContext<O> {
  readonly key: string;
  readonly input: InputInfo | undefined;
  readonly outputs: { payload: O; options: EmitOptions | undefined }[] = [];
  readonly timerOps: TimerOp[] = [];
  readonly memoryWrites: MemoryChange[] = [];
  readonly #host: StepHost;
  /** By call index: concurrent steps are journaled in completion order, and failed ones not at all. */
  readonly #recorded: ReadonlyMap<number, StepRecord>;
  /** Named steps (`runNamed`), by name. */
  #named: Map<string, StepRecord> | undefined;
  readonly #taskId: string;
  // Made on first use: most calls of most actors use none of them, and a ctx is made per call.
  #random: (() => number) | undefined;
  #timers: Timers | undefined;
  /** Object results of this call's steps, by identity, with their JSON then: what `journaled` refers to. */
  #results: Map<object, { readonly index: number; readonly json: string }> | undefined;
  #index = 0;
  #pending: StepRecord[] = [];

  constructor(
    host: StepHost,
    key: string,
    input: InputInfo | undefined,
    taskId: string,
    recorded: readonly StepRecord[],
  ) {
    this.#host = host;
    this.key = key;
    this.input = input;
    this.#recorded = NONE_RECORDED;
    if (recorded.length > 0) {
      this.#recorded = new Map(recorded.filter((step) => !step.named).map((step) => [step.index, step]));
      const named = recorded.filter((step) => step.named);
      if (named.length > 0) this.#named = new Map(named.map((step) => [step.name, step]));
    }
    this.#taskId = taskId;
  }

  get timers(): Timers {
    this.#timers ??= this.#makeTimers();
    return this.#timers;
  }

  get actor(): string {
    return this.#host.actor;
  }

  now(): number {
    const recorded = this.#replay('now', 'now');
    if (recorded !== undefined) return recorded as number;
    const value = this.#host.clock();
    this.#pending.push({ index: this.#index++, kind: 'now', name: 'now', value });
    return value;
  }

  random(): number {
    this.#random ??= seededRandom(seedOf(`${this.#host.actor}\u0000${this.key}\u0000${this.#taskId}`));
    return this.#random();
  }

  async run<T extends Json>(name: string, fn: (step: StepInfo) => T | Promise<T>): Promise<T> {
    const recorded = this.#replay('run', name);
    if (recorded !== undefined) {
      this.#remember(this.#index - 1, recorded, JSON.stringify(recorded));
      return recorded as T;
    }
    const index = this.#index++;
    const id = `${this.#host.actor}/${this.key}/${this.#taskId}/${index}`;
    // Normalise through JSON so the first run returns exactly what a replay will; a result
    // no store keeps fails the step here (a dead letter) rather than its commit.
    const raw = await fn({ id, name });
    const json = JSON.stringify(raw ?? null);
    const value = JSON.parse(json) as T;
    checkJson(value, `result of step "${name}"`);
    this.#pending.push({ index, kind: 'run', name, value });
    const steps = this.#pending;
    this.#pending = [];
    await this.#host.persist(steps);
    this.#remember(index, value, json);
    return value;
  }

  async runNamed<T extends Json>(name: string, fn: (step: StepInfo) => T | Promise<T>): Promise<T> {
    const recorded = this.#named?.get(name);
    if (recorded !== undefined) return recorded.value as T;
    const id = `${this.#host.actor}/${this.key}/${this.#taskId}/${name}`;
    const json = JSON.stringify((await fn({ id, name })) ?? null);
    const value = JSON.parse(json) as T;
    checkJson(value, `result of step "${name}"`);
    const step: StepRecord = { index: NAMED_STEP_INDEX, kind: 'run', name, value, named: true };
    // A second call of a name in flight at once would record it twice: the first one recorded wins.
    this.#named ??= new Map();
    const named = this.#named;
    if (named.has(name)) return named.get(name)?.value as T;
    named.set(name, step);
    this.#pending.push(step);
    const steps = this.#pending;
    this.#pending = [];
    await this.#host.persist(steps);
    return value;
  }

  /**
   * `event` as the journal keeps it. A result of this call's steps that the
   * event carries as it was returned (the event itself, or one of its
   * top-level fields) is in the journal already, in the step's record: the
   * event refers to it instead of holding a second copy, and readers of the
   * journal put it back before `evolve` sees the event. A result changed since
   * `run` returned it is kept as it is now.
   */
  journaled(event: ActorEvent): ActorEvent {
    if (this.#results === undefined) return event;
    const whole = this.#refTo(event);
    if (whole) return { ...whole, type: event.type };
    let journaled: Record<string, Json> | undefined;
    for (const name of Object.keys(event)) {
      const ref = this.#refTo(event[name] as Json);
      if (!ref) continue;
      journaled ??= { ...event };
      journaled[name] = ref;
    }
    return journaled ? { ...journaled, type: event.type } : event;
  }

  emit(payload: O, options?: EmitOptions): void {
    this.outputs.push({ payload, options });
  }

  writeMemory(change: MemoryChange): void {
    this.memoryWrites.push(change);
  }

  #remember(index: number, value: Json, json: string): void {
    if (typeof value !== 'object' || value === null) return;
    this.#results ??= new Map();
    this.#results.set(value, { index, json });
  }

  #refTo(value: Json): { readonly [k: string]: Json } | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const result = this.#results?.get(value);
    if (!result || JSON.stringify(value) !== result.json) return undefined;
    return stepRefTo(value, { task: this.#taskId, index: result.index });
  }

  #replay(kind: StepRecord['kind'], name: string): Json | undefined {
    const step = this.#recorded.get(this.#index);
    if (!step) return undefined;
    if (step.kind !== kind || step.name !== name) {
      throw new NonDeterminismError(
        this.#host.actor,
        this.key,
        this.#index,
        `${step.kind}(${step.name})`,
        `${kind}(${name})`,
      );
    }
    this.#index++;
    return step.value;
  }

  #makeTimers(): Timers {
    const ops = this.timerOps;
    const current = (name: string): TimerSpec | undefined => {
      for (let i = ops.length - 1; i >= 0; i--) if (ops[i]?.name === name) return ops[i]?.entry;
      return this.#host.timer(name);
    };
    return {
      setEventTime: (name, at) => ops.push({ name, entry: { kind: 'event', at } }),
      setProcessingTime: (name, at) => ops.push({ name, entry: { kind: 'processing', at } }),
      cancel: (name) => ops.push({ name, entry: undefined }),
      get: (name) => current(name),
    };
  }
}
