// `node bench/scale.ts`: memory and scale-out of the exactly-once pipeline on NATS
// JetStream + PostgreSQL (the production path: the input lives in the server, so the
// process holds only what eddy holds). One JSON line per case:
// - memory: BENCH_EVENTS (1M) inputs over each of BENCH_KEYS (10k,100k) keys, one
//   process, its peak heap and RSS: bounded by the active keys and the in-flight
//   bound, not by the events;
// - scale-out: BENCH_SCALE_EVENTS (300k) over 10k keys in 12 partitions, 1, 2 and 3
//   processes sharing them through leases: events/s and CPU per event.
import { JetStreamLog, PgStore } from 'eddy/connectors';
import pg from 'pg';
import { startTestServices } from '../test/services/test-services.ts';
import { publishInputs } from './jetstream-inputs.ts';
import { goalLine, printer, rounded } from './report/bench-line.ts';
import { committedTo, startWorker, type WorkerResult } from './scale-workers.ts';

const print = printer('scale');
const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const keyCounts = (process.env.BENCH_KEYS ?? '10000,100000').split(',').map(Number);
const scaleEvents = Number(process.env.BENCH_SCALE_EVENTS ?? Math.min(events, 300_000));
const processes = (process.env.BENCH_PROCESSES ?? '1,2,3').split(',').map(Number);

const services = await startTestServices();
const migrated = new PgStore({ url: services.databaseUrl });
await migrated.migrate();
await migrated.close();
const db = new pg.Client({ connectionString: services.databaseUrl });
await db.connect();
try {
  let run = 0;
  // V8 lets garbage pile up to a heap limit it sizes from the machine's memory (24 GiB here):
  // each key count once as Node starts by default, the largest once more with a heap cap.
  const heapCap = Number(process.env.BENCH_HEAP_CAP_MIB ?? 256);
  const largest = Math.max(...keyCounts);
  const memoryCases = [
    ...keyCounts.map((keys) => ({ keys, cap: undefined as number | undefined })),
    { keys: largest, cap: heapCap },
  ];
  for (const { keys, cap } of memoryCases) {
    const r = await measure(`mem${run++}`, {
      events,
      keys,
      partitions: 4,
      workers: 1,
      ...(cap ? { nodeOptions: `--max-old-space-size=${cap}` } : {}),
    });
    const w = r.workers[0] as WorkerResult;
    const how = cap ? `, --max-old-space-size=${cap}` : '';
    print({
      case: `memory: ${events} events over ${keys} keys, one process${how}`,
      events,
      keys,
      heapCapMiB: cap ?? null,
      eventsPerSec: r.eventsPerSec,
      peakHeapMiB: w.peakHeapMiB,
      peakRssMiB: w.peakRssMiB,
    });
    print(goalLine(`peak RSS MiB at ${keys} keys${how}`, w.peakRssMiB, { op: '<=', value: 512 }));
  }
  for (const n of processes) {
    const r = await measure(`out${run++}`, { events: scaleEvents, keys: 10_000, partitions: 12, workers: n });
    const cpuMs = r.workers.reduce((a, w) => a + w.cpuMs, 0);
    print({
      case: `scale-out: ${n} process${n === 1 ? '' : 'es'}, 12 partitions, ${scaleEvents} events`,
      processes: n,
      events: scaleEvents,
      eventsPerSec: r.eventsPerSec,
      // Node CPU per event, summed over the processes: what predicts a machine with more cores.
      cpuUsPerEvent: rounded((cpuMs * 1000) / scaleEvents, 1),
      peakRssMiB: Math.max(...r.workers.map((w) => w.peakRssMiB)),
    });
  }
} finally {
  await db.end();
  await services.stop();
}

/** Publishes the inputs, starts `workers` processes, and times them until every partition committed its last input. */
async function measure(
  name: string,
  o: { events: number; keys: number; partitions: number; workers: number; nodeOptions?: string },
): Promise<{ eventsPerSec: number; workers: WorkerResult[] }> {
  const input = `${name}.in`;
  const log = await JetStreamLog.connect({ servers: services.natsUrl });
  await log.ensureTopic({ subject: input, partitions: o.partitions });
  process.stderr.write(`scale: publishing ${o.events} inputs over ${o.keys} keys\n`);
  const last = await publishInputs(log, input, { events: o.events, keys: o.keys });
  await log.close();
  const started = performance.now();
  const workers = Array.from({ length: o.workers }, (_, i) =>
    startWorker({
      natsUrl: services.natsUrl,
      databaseUrl: services.databaseUrl,
      stage: name,
      input,
      owner: `${name}-w${i}`,
      ...(o.nodeOptions ? { env: { NODE_OPTIONS: o.nodeOptions } } : {}),
    }),
  );
  await Promise.all(workers.map((w) => w.ready));
  await committedTo(db, name, last);
  const seconds = (performance.now() - started) / 1000;
  const results = await Promise.all(workers.map((w) => w.stop()));
  return { eventsPerSec: Math.round(o.events / seconds), workers: results };
}
