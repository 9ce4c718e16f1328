// `npm run bench:core`: events/s of keyed actor pipelines, one JSON line per case.
// Cases share this process and (for PostgreSQL) one server, so they compare fairly;
// the pipelines compared for the cost of per-record steps run in alternating rounds,
// so drift during the run hits both alike.
import { PgliteStore, PgStore } from 'eddy/connectors';
import { startTestServices } from '../test/services/test-services.ts';
import { goalLine, printer } from './report/bench-line.ts';
import { type PipelineResult, type PipelineShape, runPipeline } from './run-pipeline.ts';

const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const keys = Number(process.env.BENCH_KEYS ?? 10_000);
const baselineEvents = Number(process.env.BENCH_BASELINE_EVENTS ?? 20_000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const partitions = 4;

const print = printer('core');

const ratio = (a: PipelineResult, b: PipelineResult, digits = 2): number =>
  Number((a.eventsPerSec / b.eventsPerSec).toFixed(digits));
const best = (runs: readonly PipelineResult[]): PipelineResult =>
  runs.reduce((a, b) => (b.eventsPerSec > a.eventsPerSec ? b : a));

const pglite = new PgliteStore();
await pglite.migrate();
const embedded = await runPipeline(pglite, { events, keys, partitions, name: 'embedded' });
await pglite.close();
print({ case: 'embedded (memory log + PGlite), one actor', ...embedded });

const services = await startTestServices();
try {
  const pg = new PgStore({ url: services.databaseUrl });
  await pg.migrate();
  const runs: Record<PipelineShape, PipelineResult[]> = {
    'one-actor': [],
    'identity-steps': [],
    'two-actors': [],
  };
  const labels: Record<PipelineShape, string> = {
    'one-actor': 'memory log + PostgreSQL, one actor',
    'identity-steps': 'memory log + PostgreSQL, three identity steps + one actor',
    'two-actors': 'memory log + PostgreSQL, map + filter + map, two actors, one keyBy hop',
  };
  for (let round = 1; round <= rounds; round++) {
    for (const shape of ['one-actor', 'identity-steps', 'two-actors'] as const) {
      const result = await runPipeline(pg, { events, keys, partitions, name: `pg-${shape}-${round}`, shape });
      runs[shape].push(result);
      print({ case: labels[shape], round, ...result });
    }
  }
  const naive = await runPipeline(pg, {
    events: baselineEvents,
    keys,
    partitions,
    commitEvery: 1,
    name: 'baseline',
  });
  print({ case: 'baseline: one transaction per event (PostgreSQL), one actor', ...naive });
  const oneActor = best(runs['one-actor']);
  print({ case: 'ratio postgres / baseline', ratio: ratio(oneActor, naive, 1) });
  print(
    goalLine(
      'ratio three identity steps / none, best of rounds',
      ratio(best(runs['identity-steps']), oneActor),
      {
        op: '>=',
        value: 0.9,
      },
    ),
  );
  print({
    case: 'ratio two actors with a hop / one actor, best of rounds',
    ratio: ratio(best(runs['two-actors']), oneActor),
  });
  print(goalLine('ratio embedded / postgres', ratio(embedded, oneActor), { op: '>=', value: 0.5 }));
  await pg.close();
} finally {
  await services.stop();
}
