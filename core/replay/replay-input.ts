import type { InputInfo } from '../actor/actor-context.ts';
import type { ActorEvent } from '../actor/actor-definition.ts';
import type { Flowing } from '../runtime/attempt.ts';
import { runEach } from '../runtime/each-step.ts';
import type { Program, ProgramStep } from '../runtime/program.ts';
import type { StepRecord } from '../runtime/steps.ts';
import { callId } from '../runtime/task.ts';
import type { Json } from '../store/store.ts';
import { ReplayContext, ReplayDivergence } from './replay-context.ts';
import type { ReplayOutput } from './replay-report.ts';

/** What one input led to when replayed: per actor its events, the outputs in order; or its failure. */
export type ReplayedInput =
  | {
      readonly kind: 'done';
      /** By actor index; an actor the input never reached decided nothing. */
      readonly events: readonly (readonly Json[])[];
      readonly outputs: readonly ReplayOutput[];
      /** The actors' states after it, by index. */
      readonly states: readonly Json[];
    }
  /** The input would have been dead-lettered (decode, a step, decide or evolve threw). */
  | { readonly kind: 'failed'; readonly reason: string }
  /** The code asked for a step the record does not have: not called. */
  | { readonly kind: 'diverged'; readonly reason: string };

export interface ReplayInputArgs {
  readonly program: Program;
  readonly key: string;
  readonly input: InputInfo;
  readonly payload: Uint8Array;
  readonly envelope: Parameters<Program['decode']>[1];
  /** The actors' states before the input, by index. */
  readonly states: readonly Json[];
  /** The recorded steps of a call id, of actor `index`. */
  readonly steps: (index: number, call: string) => readonly StepRecord[];
  readonly signal: AbortSignal;
}

/**
 * Runs one recorded input through a stage's program as the task runner
 * does (decode, per-record steps, actors, sinks and hops, in order), but
 * with a `ReplayContext` for each actor call and nothing written or
 * published: what it would publish is collected in the order the msg ids
 * number it, to be compared with what the record published.
 */
export async function replayInput(a: ReplayInputArgs): Promise<ReplayedInput> {
  const events: Json[][] = a.program.actors.map(() => []);
  const outputs: ReplayOutput[] = [];
  const calls = a.program.actors.map(() => 0);
  // A failed input changes no state (its attempt is dropped): the states change only once it is done.
  const states = [...a.states];
  const publish = (subject: string, key: string, value: unknown): void => {
    outputs.push({ subject, key, payload: asJson(value) });
  };
  const step = async (s: ProgramStep, record: Flowing, out: Flowing[]): Promise<void> => {
    switch (s.kind) {
      case 'each':
        await runEach(s.op, record, out, a.signal);
        return;
      case 'actor': {
        const def = a.program.actors[s.actor];
        if (!def) throw new Error(`the program has no actor ${s.actor}`);
        if (record.key !== a.key)
          throw new Error(`a record keyed ${JSON.stringify(record.key)} reached actor "${def.name}"`);
        const call = calls[s.actor] ?? 0;
        calls[s.actor] = call + 1;
        const id = callId(`seq:${a.input.seq}`, call);
        const ctx = new ReplayContext<Json>(def.name, a.key, a.input, id, a.steps(s.actor, id));
        const decided = (await def.decide(
          states[s.actor] as Json,
          record.value,
          ctx,
        )) as readonly ActorEvent[];
        if (!Array.isArray(decided))
          throw new TypeError(`${def.name}: decide must return an array of events`);
        let state = states[s.actor] as Json;
        for (const event of decided) state = def.evolve(state, event);
        states[s.actor] = state;
        events[s.actor]?.push(...decided.map(asJson));
        for (const o of ctx.outputs) {
          const flowing = {
            value: o.payload,
            key: o.options?.key ?? a.key,
            headers: o.options?.headers ?? {},
          };
          if (o.options?.subject === undefined) out.push(flowing);
          else if (!(def.emitsTo ?? []).includes(o.options.subject))
            throw new Error(
              `actor "${def.name}" emitted to ${o.options.subject}, which is not in its emitsTo`,
            );
          else publish(o.options.subject, flowing.key, flowing.value);
        }
        return;
      }
      case 'sink':
        publish(s.subject, record.key, record.value);
        out.push(record);
        return;
      case 'hop':
        publish(s.subject, s.keyOf(record.value), record.value);
        return;
    }
  };
  try {
    let records: Flowing[] = [{ value: a.program.decode(a.payload, a.envelope), key: a.key, headers: {} }];
    for (const s of a.program.steps) {
      const next: Flowing[] = [];
      for (const record of records) await step(s, record, next);
      records = next;
    }
    return { kind: 'done', events, outputs, states };
  } catch (error) {
    if (error instanceof ReplayDivergence) return { kind: 'diverged', reason: error.message };
    return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}

/** A value as the log carries it (what a JSON round trip keeps). */
function asJson(value: unknown): Json {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as Json);
}
