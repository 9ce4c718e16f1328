// `npm start`: two chained stages of keyed, event-sourced actors on the embedded
// default (memory log + PGlite), fed by a reproducible stream of orders.
//   orders --customer-totals--> customer-totals --region-leaders--> region-leaders
import pino from 'pino';
import { PgliteStore } from '../../connectors/pglite/pglite-store.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import { customerTotals, orderSchema } from './customer-totals.ts';
import { generateOrders } from './orders.ts';
import { type Leaders, regionLeaders, totalsSchema } from './region-leaders.ts';
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
await log.ensureTopic({ subject: 'customer-totals', partitions: 4 });

const totals = new Stage({
  name: 'customer-totals',
  log,
  store,
  input: 'orders',
  output: 'customer-totals',
  actor: customerTotals,
  schema: orderSchema,
  logger,
});
const leaders = new Stage({
  name: 'region-leaders',
  log,
  store,
  input: 'customer-totals',
  output: 'region-leaders',
  actor: regionLeaders,
  schema: totalsSchema,
  logger,
});
const boards = new Map<string, Leaders['top']>();
leaders.published$.subscribe((row) => {
  const board = row.payload as { region: string; top: Leaders['top'] };
  boards.set(board.region, board.top);
});

const started = performance.now();
await totals.start();
await leaders.start();
let i = 0;
for (const order of generateOrders(orders, customers)) {
  await log.append('orders', {
    key: order.customer,
    payload: encoder.encode(JSON.stringify(order)),
    msgId: `order-${i++}`,
  });
}
await waitForStage(log, totals, 'orders', orders, (done) => progress('customer-totals', done, orders));
process.stderr.write('\n');
await waitForStage(log, leaders, 'customer-totals', orders, (done) =>
  progress('region-leaders', done, orders),
);
const seconds = (performance.now() - started) / 1000;
process.stderr.write('\n');

console.log(`\n${orders} orders from ${customers} customers, two stages, ${seconds.toFixed(1)} s\n`);
console.log('Top spenders by region (from the region-leaders actors):');
for (const [region, top] of [...boards].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const line = top.map((t) => `${t.customer} $${(t.spentCents / 100).toFixed(2)}`).join(', ');
  console.log(`  ${region.padEnd(6)} ${line}`);
}
const sample = await store.load('customer-totals', 'customer-0000', 'customer-totals', 0);
console.log(
  `\ncustomer-0000's journal: ${sample.events.length} events after its snapshot at version ${sample.snapshot?.version ?? 0}`,
);

await totals.stop();
await leaders.stop();
await log.close();
await store.close();

function progress(label: string, done: number, total: number): void {
  const width = 30;
  const filled = Math.min(width, Math.round((done / total) * width));
  process.stderr.write(
    `\r${label.padEnd(16)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`,
  );
}
