import { z } from 'zod';
import { defineActor } from '../../../core/actor/actor-definition.ts';
import type { Json } from '../../../core/store/store.ts';

/**
 * What the poison actor is asked to do. `add` is the good record every case is
 * surrounded by; the other ops make the actor write something no store keeps,
 * emit something no log takes, or throw.
 */
export const poisonInput = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), n: z.number() }),
  /** Journals `value` and keeps it in state. */
  z.object({ op: z.literal('keep'), value: z.unknown() }),
  /** Journals an event holding a `Date`. */
  z.object({ op: z.literal('date') }),
  /** decide throws. */
  z.object({ op: z.literal('throw') }),
  /** evolve throws on the event decide returns. */
  z.object({ op: z.literal('evolve-throws') }),
  /** Emits a payload of about `bytes` bytes. */
  z.object({ op: z.literal('emit'), bytes: z.number().int().nonnegative() }),
  /** Emits under another key. */
  z.object({ op: z.literal('emit-key'), key: z.string() }),
  /** Emits with a header. */
  z.object({ op: z.literal('emit-header'), name: z.string(), value: z.string() }),
  /** Sets a timer of that name. */
  z.object({ op: z.literal('timer'), name: z.string() }),
  /** A step whose result is `value` (a string, kept as given). */
  z.object({ op: z.literal('step'), value: z.string() }),
]);
export type PoisonInput = z.infer<typeof poisonInput>;

export type PoisonState = {
  readonly total: number;
  /** The `keep` values, in order. */
  readonly kept: readonly Json[];
};

type PoisonEvent =
  | { readonly type: 'Added'; readonly n: number }
  | { readonly type: 'Kept'; readonly value: Json }
  | { readonly type: 'Dated'; readonly at: Json }
  | { readonly type: 'Cursed' }
  | { readonly type: 'Emitted' }
  | { readonly type: 'Stepped'; readonly value: Json }
  | { readonly type: 'Timed'; readonly name: string };

/** The actor of the poison-input conformance suite: a running total that outputs every addition. */
export const poisonActor = defineActor({
  name: 'poison',
  initial: (): PoisonState => ({ total: 0, kept: [] }),
  decide: async (state: PoisonState, input: PoisonInput, ctx): Promise<PoisonEvent[]> => {
    switch (input.op) {
      case 'add':
        ctx.emit({ total: state.total + input.n });
        return [{ type: 'Added', n: input.n }];
      case 'keep':
        return [{ type: 'Kept', value: input.value as Json }];
      case 'date':
        return [{ type: 'Dated', at: new Date(0) as unknown as Json }];
      case 'throw':
        throw new RangeError('this input is cursed');
      case 'evolve-throws':
        return [{ type: 'Cursed' }];
      case 'emit':
        ctx.emit({ blob: 'x'.repeat(input.bytes) });
        return [{ type: 'Emitted' }];
      case 'emit-key':
        ctx.emit({ to: 'elsewhere' }, { key: input.key });
        return [{ type: 'Emitted' }];
      case 'emit-header':
        ctx.emit({ with: 'header' }, { headers: { [input.name]: input.value } });
        return [{ type: 'Emitted' }];
      case 'timer':
        ctx.timers.setProcessingTime(input.name, Date.now() + 3_600_000);
        return [{ type: 'Timed', name: input.name }];
      case 'step': {
        const value = await ctx.run('echo', () => input.value);
        return [{ type: 'Stepped', value }];
      }
    }
  },
  evolve: (state: PoisonState, event: PoisonEvent): PoisonState => {
    switch (event.type) {
      case 'Added':
        return { ...state, total: state.total + event.n };
      case 'Kept':
        return { ...state, kept: [...state.kept, event.value] };
      case 'Cursed':
        throw new TypeError('evolve cannot fold a cursed event');
      default:
        return state;
    }
  },
  snapshot: { every: 2, keep: 1 },
});
