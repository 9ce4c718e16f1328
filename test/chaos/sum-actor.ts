import { z } from 'zod';
import { defineActor } from '../../core/actor/actor-definition.ts';

/** Names the chaos run's stage, topics and actor; the driver and the stage processes share them. */
export const CHAOS = {
  stage: 'chaos-sum',
  input: 'chaos-in',
  output: 'chaos-out',
} as const;

/** One published event: `e` numbers it across the run, `n` is what it adds to its key's sum. */
export const chaosInputSchema = z.object({ e: z.number().int().nonnegative(), n: z.number().int() });
export type ChaosInput = z.infer<typeof chaosInputSchema>;

/** A key's running sum, how many events it applied, and the last event it applied (order check). */
export type SumState = { readonly sum: number; readonly count: number; readonly last: number };
export type Added = { readonly type: 'Added'; readonly e: number; readonly n: number };
/** The one output per event: the key's sum and count after applying it. */
export type SumOutput = {
  readonly key: string;
  readonly e: number;
  readonly n: number;
  readonly sum: number;
  readonly count: number;
};

/** A per-key running sum with one output per event; frequent snapshots so replay checks many of them. */
export const sumActor = defineActor<SumState, ChaosInput, Added, SumOutput>({
  name: CHAOS.stage,
  initial: () => ({ sum: 0, count: 0, last: -1 }),
  decide: (state, input, ctx) => {
    ctx.emit({ key: ctx.key, e: input.e, n: input.n, sum: state.sum + input.n, count: state.count + 1 });
    return [{ type: 'Added', e: input.e, n: input.n }];
  },
  evolve: (state, event) => ({ sum: state.sum + event.n, count: state.count + 1, last: event.e }),
  snapshot: { every: 16, keep: 2 },
});
