import { defineActor } from 'eddy';

type Counted = { readonly type: 'Counted' };
type Count = { readonly count: number };

/** The benchmark's actor: counts events per key, snapshots every 100 events (0: never). Named per run: no run recovers another's journal. */
export const countingActor = (run: string, snapshotEvery = 100) =>
  defineActor({
    name: `${run}.count`,
    initial: () => ({ count: 0 }),
    decide: (): Counted[] => [{ type: 'Counted' }],
    evolve: (state: Count, _event: Counted) => ({ count: state.count + 1 }),
    ...(snapshotEvery > 0 ? { snapshot: { every: snapshotEvery, keep: 1 } } : {}),
  });

/** The first actor of the two-actor pipeline: counts like `countingActor` and passes its record on. */
export type Grouped = { readonly n: number; readonly group: string };
export const relayActor = (run: string) =>
  defineActor<Count, Grouped, Counted, Grouped>({
    name: `${run}.relay`,
    initial: () => ({ count: 0 }),
    decide: (_s, record, ctx) => {
      ctx.emit(record);
      return [{ type: 'Counted' }];
    },
    evolve: (state) => ({ count: state.count + 1 }),
    snapshot: { every: 100, keep: 1 },
  });

/** The second actor: counts per group and says so once it has `expected` records. */
export function groupCounter(run: string, expected: number) {
  return defineActor({
    name: `${run}.groups`,
    initial: () => ({ count: 0 }),
    decide: (state: Count, _record: unknown, ctx): Counted[] => {
      if (state.count + 1 === expected) ctx.emit({ group: ctx.key, count: expected });
      return [{ type: 'Counted' }];
    },
    evolve: (state: Count, _event: Counted) => ({ count: state.count + 1 }),
    snapshot: { every: 100, keep: 1 },
  });
}
