// `npm run bench:operators`: the stream operators, one JSON line per case, each with its baseline in the same run.

import { MemoryStore } from 'eddy';
import { PgStore } from 'eddy/connectors';
import { startTestServices } from '../test/services/test-services.ts';
import { createProducts, lookupRun } from './operators-lookup.ts';
import { eddyFloor, eddyWindows, handWrittenWindows, windowEvents } from './operators-window.ts';
import { goalLine, printer } from './report/bench-line.ts';

const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const keys = Number(process.env.BENCH_KEYS ?? 10_000);
const lookupEvents = Number(process.env.BENCH_LOOKUP_EVENTS ?? 200_000);
const LATENESS_MS = 2_000;

const print = printer('operators');

// 1M events over 10k keys and ten minutes of event time: each key has ten records in each 1-minute window.
const evts = windowEvents(events, keys, 10, LATENESS_MS);
const hand = handWrittenWindows(evts, LATENESS_MS);
print({ case: 'tumbling 1-minute sums, hand-written reducer (no durability)', keys, ...hand });
const memory = await eddyWindows(new MemoryStore(), evts, LATENESS_MS, 'win-memory');
print({ case: 'tumbling 1-minute sums, eddy windowed() on MemoryStore', keys, ...memory });
const floor = await eddyFloor(new MemoryStore(), evts, 'floor-memory');
print({ case: 'the same records into a counting actor, no window (eddy on MemoryStore)', keys, ...floor });

const services = await startTestServices();
try {
  const store = new PgStore({ url: services.databaseUrl });
  await store.migrate();
  const durable = await eddyWindows(store, evts, LATENESS_MS, 'win-pg');
  print({ case: 'tumbling 1-minute sums, eddy windowed() on PostgreSQL', keys, ...durable });
  await store.close();
  print(
    goalLine(
      'ratio hand-written / eddy on PostgreSQL',
      Number((hand.eventsPerSec / durable.eventsPerSec).toFixed(1)),
      {
        op: '<=',
        value: 3,
      },
    ),
  );
  print({
    case: 'ratio hand-written / eddy on MemoryStore',
    ratio: Number((hand.eventsPerSec / memory.eventsPerSec).toFixed(1)),
  });
  // How much of the gap is the window and how much is every keyed operator's durable path.
  print({
    case: 'ratio hand-written / counting actor without a window, MemoryStore',
    ratio: Number((hand.eventsPerSec / floor.eventsPerSec).toFixed(1)),
  });
  print({
    case: 'ratio counting actor without a window / windowed(), MemoryStore',
    ratio: Number((floor.eventsPerSec / memory.eventsPerSec).toFixed(2)),
  });

  const products = Math.round(lookupEvents / 20); // 5% of the records name a product first seen
  await createProducts(services.databaseUrl, products);
  const results: Record<string, { eventsPerSec: number }> = {};
  for (const which of ['no lookup', 'lookup, cache on', 'lookup, cache off'] as const) {
    const r = await lookupRun(
      services.databaseUrl,
      lookupEvents,
      products,
      which,
      `lookup-${which.replace(/\W+/g, '-')}`,
    );
    results[which] = r;
    print({ case: `lookupJoin against PostgreSQL: ${which}`, products, ...r });
  }
  print({
    case: 'ratio lookupJoin at 95% cache hits / no lookup',
    ratio: Number(
      ((results['lookup, cache on']?.eventsPerSec ?? 0) / (results['no lookup']?.eventsPerSec ?? 1)).toFixed(
        2,
      ),
    ),
  });
  print({
    case: 'ratio lookupJoin at 0% cache hits / no lookup',
    ratio: Number(
      ((results['lookup, cache off']?.eventsPerSec ?? 0) / (results['no lookup']?.eventsPerSec ?? 1)).toFixed(
        2,
      ),
    ),
  });
} finally {
  await services.stop();
}
