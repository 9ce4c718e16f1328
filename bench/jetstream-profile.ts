// Profiles one case of bench:jetstream alone: the inputs are published first, then
// the V8 CPU profiler runs only while the case runs, and writes a .cpuprofile to
// open in Chrome DevTools or speedscope.
//   node bench/jetstream-profile.ts a|b-batch|b-each|c|c-per-partition [out.cpuprofile]
// Honors BENCH_EVENTS, BENCH_KEYS, BENCH_PARTITIONS, BENCH_MAX_IN_FLIGHT, NATS_URL, DATABASE_URL.
import { writeFile } from 'node:fs/promises';
import { partitionOf } from 'eddy';
import { JetStreamLog, PgStore } from 'eddy/connectors';
import { startTestServices } from '../test/services/test-services.ts';
import { ceiling } from './jetstream-ceiling.ts';
import { eddyThroughput } from './jetstream-eddy.ts';
import { countPerPartition, publishInputs } from './jetstream-inputs.ts';
import { naive } from './jetstream-naive.ts';
import { withCpu } from './jetstream-server-cpu.ts';
import { profiled } from './report/cpu-profiler.ts';
import { cpuByArea } from './report/profile-areas.ts';

const which = process.argv[2] ?? 'a';
const out = process.argv[3] ?? `jetstream-${which}.cpuprofile`;
const events = Number(process.env.BENCH_EVENTS ?? 50_000);
const keys = Number(process.env.BENCH_KEYS ?? 1_000);
const partitions = Number(process.env.BENCH_PARTITIONS ?? 4);
const maxInFlight = Number(process.env.BENCH_MAX_IN_FLIGHT ?? 2_000);
const naiveEvents = Math.min(events, Number(process.env.BENCH_NAIVE_EVENTS ?? 3_000));
const run = `bjp${Date.now().toString(36)}`;

const services = await startTestServices();
try {
  const store = new PgStore({ url: services.databaseUrl });
  await store.migrate();
  await store.close();
  const setup = await JetStreamLog.connect({ servers: services.natsUrl });
  const input = `${run}.in`;
  await setup.ensureTopic({ subject: input, partitions });
  const last = await publishInputs(setup, input, { events, keys });
  await setup.close();
  const expected = countPerPartition(events, keys, (k) => partitionOf(k, partitions));
  const urls = { natsUrl: services.natsUrl, databaseUrl: services.databaseUrl };
  // BENCH_HEAP=1: also sample allocations, collected ones included (what feeds the GC).
  const heap = process.env.BENCH_HEAP === '1';
  const caseEvents = which.startsWith('c') ? naiveEvents : events;
  const {
    result: measured,
    profile,
    heap: allocations,
  } = await profiled(
    () =>
      withCpu(urls, caseEvents, async (): Promise<object> => {
        if (which === 'a') {
          return await eddyThroughput(
            { ...urls, name: `${run}a`, input, partitions, maxInFlight },
            last,
            events,
          );
        }
        if (which === 'b-batch' || which === 'b-each') {
          return await ceiling(
            { ...urls, name: `${run}${which.replace('-', '')}`, input, partitions, expected },
            {
              ack: which === 'b-batch' ? 'batch' : 'each',
              batch: 500,
              maxAckPending: 4_000,
              publishDepth: 2,
            },
          );
        }
        if (which === 'c' || which === 'c-per-partition') {
          const mode = which === 'c' ? 'single' : 'per-partition';
          return await naive(
            { ...urls, name: `${run}${which.replace(/-/g, '')}`, input, partitions, expected },
            mode,
          );
        }
        throw new Error(`unknown case "${which}": use a, b-batch, b-each, c or c-per-partition`);
      }),
    { heap },
  );
  await writeFile(out, JSON.stringify(profile));
  if (allocations) await writeFile(out.replace(/\.cpuprofile$/, '.heapprofile'), JSON.stringify(allocations));
  const { areas } = cpuByArea(profile, caseEvents);
  process.stdout.write(
    `${JSON.stringify({
      case: which,
      ...measured.result,
      cpuMsPer1k: measured.cpuMsPer1k,
      cpuUsPerEventByArea: Object.fromEntries([...areas].map(([area, us]) => [area, Number(us.toFixed(1))])),
      profile: out,
    })}\n`,
  );
} finally {
  await services.stop();
}
