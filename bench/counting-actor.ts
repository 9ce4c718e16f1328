import { defineActor } from 'eddy';

type Counted = { readonly type: 'Counted' };

/** The benchmark's actor: counts events per key, snapshots every 100 events. */
export const countingActor = defineActor({
  name: 'bench-count',
  initial: () => ({ count: 0 }),
  decide: (): Counted[] => [{ type: 'Counted' }],
  evolve: (state: { readonly count: number }, _event: Counted) => ({ count: state.count + 1 }),
  snapshot: { every: 100, keep: 1 },
});
