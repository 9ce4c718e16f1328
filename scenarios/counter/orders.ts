import { seededRandom } from 'eddy';

export interface Order {
  readonly customer: string;
  readonly region: string;
  readonly amountCents: number;
}

const regions = ['north', 'south', 'east', 'west'] as const;

/** A reproducible stream of orders: a few big spenders, many occasional ones. */
export function* generateOrders(count: number, customers: number, seed = 7): Generator<Order> {
  const random = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    // Squaring skews the pick towards low ids: some customers order much more often.
    const id = Math.floor(random() ** 2 * customers);
    yield {
      customer: `customer-${String(id).padStart(4, '0')}`,
      region: regions[id % regions.length] ?? 'north',
      amountCents: 100 + Math.floor(random() * 9_900),
    };
  }
}
