// `npm start`: a pipeline of keyed, event-sourced actors on the embedded default
// (memory log + PGlite), fed by a reproducible stream of orders:
//   orders -> actor(customer-totals) -> to('customer-totals') -> keyBy(region) -> actor(region-leaders) -> to('region-leaders')

import { actor, from, keyBy, MemoryLog, pipeline, to } from 'eddy';
import { PgliteStore } from 'eddy/connectors';
import pino from 'pino';
import type { z } from 'zod';
import { customerTotals, orderSchema } from './customer-totals.ts';
import { generateOrders } from './orders.ts';
import { type Leaders, regionLeaders, type totalsSchema } from './region-leaders.ts';
import { waitForStage } from './wait-for-stage.ts';

const orders = Number(process.env.ORDERS ?? 20_000);
const customers = Number(process.env.CUSTOMERS ?? 500);
const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
const encoder = new TextEncoder();

logger.warn(
  'embedded default: PGlite runs with fsync=off and is not crash-durable; use PgStore in production',
);
const log = new MemoryLog();
const store = new PgliteStore();
await store.migrate();
await log.ensureTopic({ subject: 'orders', partitions: 4 });

const running = pipeline(
  { name: 'counter', log, store, logger },
  from('orders', orderSchema).pipe(
    actor(customerTotals),
    to('customer-totals'),
    // Leaders are per region: records re-keyed by region go to the partition that owns it.
    keyBy((total: z.infer<typeof totalsSchema>) => total.region),
    actor(regionLeaders),
    to('region-leaders'),
  ),
);
const boards = new Map<string, Leaders['top']>();
running.subscribe((board) => {
  const { region, top } = board.value as { region: string; top: Leaders['top'] };
  boards.set(region, top);
});

const started = performance.now();
await running.start();
let i = 0;
for (const order of generateOrders(orders, customers)) {
  await log.append('orders', {
    key: order.customer,
    payload: encoder.encode(JSON.stringify(order)),
    msgId: `order-${i++}`,
  });
}
const [input, byRegion] = running.subjects.inputs as [string, string];
await waitForStage(log, { watermarks: () => running.watermarks(0) }, input, orders, (done) =>
  progress('customer-totals', done, orders),
);
process.stderr.write('\n');
await waitForStage(log, { watermarks: () => running.watermarks(1) }, byRegion, orders, (done) =>
  progress('region-leaders', done, orders),
);
const seconds = (performance.now() - started) / 1000;
process.stderr.write('\n');

console.log(
  `\n${orders} orders from ${customers} customers, one pipeline of two actors, ${seconds.toFixed(1)} s\n`,
);
console.log('Top spenders by region (from the region-leaders actors):');
for (const [region, top] of [...boards].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const line = top.map((t) => `${t.customer} $${(t.spentCents / 100).toFixed(2)}`).join(', ');
  console.log(`  ${region.padEnd(6)} ${line}`);
}
const sample = await store.load('customer-totals', 'customer-0000', 'counter', 0);
console.log(
  `\ncustomer-0000's journal: ${sample.events.length} events after its snapshot at version ${sample.snapshot?.version ?? 0}`,
);

await running.stop();
await log.close();
await store.close();

function progress(label: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.min(width, Math.round((done / total) * width));
  process.stderr.write(
    `\r${label.padEnd(16)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
  );
}
