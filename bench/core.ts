// `npm run bench:core`: events/s of the keyed actor pipeline, one JSON line per case.
// Cases share this process and (for PostgreSQL) one server, so they compare fairly.
import { PgliteStore, PgStore } from 'eddy/connectors';
import { startTestServices } from '../test/services/test-services.ts';
import { runPipeline } from './run-pipeline.ts';

const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const keys = Number(process.env.BENCH_KEYS ?? 10_000);
const baselineEvents = Number(process.env.BENCH_BASELINE_EVENTS ?? 20_000);
const partitions = 4;

function print(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ bench: 'core', node: process.version, ...line })}\n`);
}

const pglite = new PgliteStore();
await pglite.migrate();
const embedded = await runPipeline(pglite, { events, keys, partitions, name: 'embedded' });
await pglite.close();
print({ case: 'embedded (memory log + PGlite)', ...embedded });

const services = await startTestServices();
try {
  const pg = new PgStore({ url: services.databaseUrl });
  await pg.migrate();
  const batched = await runPipeline(pg, { events, keys, partitions, name: 'postgres' });
  print({ case: 'memory log + PostgreSQL', ...batched });
  const naive = await runPipeline(pg, {
    events: baselineEvents,
    keys,
    partitions,
    commitEvery: 1,
    name: 'baseline',
  });
  print({ case: 'baseline: one transaction per event (PostgreSQL)', ...naive });
  print({
    case: 'ratio postgres / baseline',
    ratio: Number((batched.eventsPerSec / naive.eventsPerSec).toFixed(1)),
  });
  print({
    case: 'ratio embedded / postgres (target >= 0.5)',
    ratio: Number((embedded.eventsPerSec / batched.eventsPerSec).toFixed(2)),
  });
  await pg.close();
} finally {
  await services.stop();
}
