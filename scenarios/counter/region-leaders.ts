import { defineActor } from 'eddy';
import { z } from 'zod';

export const totalsSchema = z.object({
  customer: z.string(),
  region: z.string(),
  orders: z.number().int(),
  spentCents: z.number().int(),
});

type LeaderEvent = { readonly type: 'TotalSeen'; readonly customer: string; readonly spentCents: number };

export interface Leaders {
  /** Top customers of the region by money spent, best first. */
  readonly top: readonly { readonly customer: string; readonly spentCents: number }[];
  readonly [k: string]: readonly { readonly customer: string; readonly spentCents: number }[];
}

const TOP = 3;

/** Per region: the three biggest spenders; emits the board when it changes. */
export const regionLeaders = defineActor({
  name: 'region-leaders',
  initial: (): Leaders => ({ top: [] }),
  decide: (state: Leaders, total: z.infer<typeof totalsSchema>, ctx) => {
    const event: LeaderEvent = { type: 'TotalSeen', customer: total.customer, spentCents: total.spentCents };
    const next = rank(state, event);
    if (JSON.stringify(next.top) !== JSON.stringify(state.top)) ctx.emit({ region: ctx.key, top: next.top });
    return [event];
  },
  evolve: rank,
  snapshot: { every: 200, keep: 1 },
});

function rank(state: Leaders, event: LeaderEvent): Leaders {
  const others = state.top.filter((t) => t.customer !== event.customer);
  const top = [...others, { customer: event.customer, spentCents: event.spentCents }]
    .sort((a, b) => b.spentCents - a.spentCents || (a.customer < b.customer ? -1 : 1))
    .slice(0, TOP);
  return { top };
}
