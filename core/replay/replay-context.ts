import type { ActorContext, EmitOptions, InputInfo, StepInfo, Timers } from '../actor/actor-context.ts';
import { seededRandom, seedOf } from '../runtime/seeded-random.ts';
import type { StepRecord } from '../runtime/steps.ts';
import type { Json, MemoryChange } from '../store/store.ts';

/** The new code asked for a step the record does not have (or another one in its place): it is not called. */
export class ReplayDivergence extends Error {
  override readonly name = 'ReplayDivergence';
}

/**
 * The ctx a replay runs `decide` with: recorded steps (model answers, tool
 * results, clock readings) are given back in order, and nothing is ever
 * called: a step the record lacks is a `ReplayDivergence`. Random numbers
 * come from the same seed as the original run's.
 */
export class ReplayContext<O extends Json> implements ActorContext<O> {
  readonly outputs: { payload: O; options: EmitOptions | undefined }[] = [];
  readonly memoryWrites: MemoryChange[] = [];
  readonly timers: Timers;
  readonly #steps: readonly StepRecord[];
  readonly #named: ReadonlyMap<string, StepRecord>;
  readonly #random: () => number;
  #index = 0;

  readonly actor: string;
  readonly key: string;
  readonly input: InputInfo | undefined;

  constructor(
    actor: string,
    key: string,
    input: InputInfo | undefined,
    taskId: string,
    steps: readonly StepRecord[],
  ) {
    this.actor = actor;
    this.key = key;
    this.input = input;
    this.#steps = steps.filter((s) => !s.named).sort((a, b) => a.index - b.index);
    this.#named = new Map(steps.filter((s) => s.named).map((s) => [s.name, s]));
    this.#random = seededRandom(seedOf(`${actor}\u0000${key}\u0000${taskId}`));
    const ops = new Map<string, { kind: 'event' | 'processing'; at: number } | undefined>();
    this.timers = {
      setEventTime: (name, at) => ops.set(name, { kind: 'event', at }),
      setProcessingTime: (name, at) => ops.set(name, { kind: 'processing', at }),
      cancel: (name) => ops.set(name, undefined),
      get: (name) => ops.get(name),
    };
  }

  now(): number {
    return this.#next('now', 'now') as number;
  }

  random(): number {
    return this.#random();
  }

  async run<T extends Json>(name: string, _fn: (step: StepInfo) => T | Promise<T>): Promise<T> {
    return this.#next('run', name) as T;
  }

  async runNamed<T extends Json>(name: string, _fn: (step: StepInfo) => T | Promise<T>): Promise<T> {
    const step = this.#named.get(name);
    if (!step) throw new ReplayDivergence(`asks for the named step ${name}, which the record does not have`);
    return step.value as T;
  }

  emit(payload: O, options?: EmitOptions): void {
    this.outputs.push({ payload, options });
  }

  writeMemory(change: MemoryChange): void {
    this.memoryWrites.push(change);
  }

  #next(kind: StepRecord['kind'], name: string): Json {
    const step = this.#steps[this.#index];
    if (!step)
      throw new ReplayDivergence(
        `asks for ${kind}(${name}) at step ${this.#index}, which the record does not have`,
      );
    if (step.kind !== kind || step.name !== name)
      throw new ReplayDivergence(
        `asks for ${kind}(${name}) at step ${this.#index}, where the record has ${step.kind}(${step.name})`,
      );
    this.#index++;
    return step.value;
  }
}
