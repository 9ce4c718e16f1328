import { defineActor } from 'eddy';
import { z } from 'zod';

export const orderSchema = z.object({
  customer: z.string().min(1),
  region: z.string().min(1),
  amountCents: z.number().int().positive(),
});

type CustomerEvent = { readonly type: 'OrderCounted'; readonly amountCents: number };

interface CustomerState {
  readonly orders: number;
  readonly spentCents: number;
  readonly [k: string]: number;
}

/** Per customer: orders and money spent; emits the new totals (with the region) after each order. */
export const customerTotals = defineActor({
  name: 'customer-totals',
  initial: (): CustomerState => ({ orders: 0, spentCents: 0 }),
  decide: (state: CustomerState, order: z.infer<typeof orderSchema>, ctx) => {
    ctx.emit({
      customer: order.customer,
      region: order.region,
      orders: state.orders + 1,
      spentCents: state.spentCents + order.amountCents,
    });
    return [{ type: 'OrderCounted', amountCents: order.amountCents }] satisfies CustomerEvent[];
  },
  evolve: (state: CustomerState, event: CustomerEvent): CustomerState => ({
    orders: state.orders + 1,
    spentCents: state.spentCents + event.amountCents,
  }),
  snapshot: { every: 50, keep: 2 },
});
