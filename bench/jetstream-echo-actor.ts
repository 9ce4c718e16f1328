import type { ActorDefinition } from 'eddy';
import { defineActor } from 'eddy';

type Counted = { readonly type: 'Counted' };

/** Bench input: a serial and, for latency runs, when it was published (ms since the epoch, fractional). */
export interface EchoInput {
  readonly n: number;
  readonly t: number;
}

/** What the actor emits per input: the key's count and the input's publish time, for latency. */
export interface EchoOutput {
  readonly [k: string]: number;
  readonly count: number;
  readonly t: number;
}

/**
 * The counting actor of bench/counting-actor.ts (snapshots every 100 events)
 * that also emits one output per input. Named per run so that runs never
 * recover each other's journals.
 */
export function echoActor(
  name: string,
): ActorDefinition<{ readonly count: number }, EchoInput, Counted, EchoOutput> {
  return defineActor({
    name,
    initial: () => ({ count: 0 }),
    decide: (state: { readonly count: number }, input: EchoInput, ctx): Counted[] => {
      ctx.emit({ count: state.count + 1, t: input.t });
      return [{ type: 'Counted' }];
    },
    evolve: (state: { readonly count: number }, _event: Counted) => ({ count: state.count + 1 }),
    snapshot: { every: 100, keep: 1 },
  });
}
