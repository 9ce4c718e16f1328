// `npm run bench:jetstream`: eddy's exactly-once stage on NATS JetStream and PostgreSQL
// against hand-written loops doing the same I/O, one JSON line per case plus ratio
// lines. Every case runs in this process against the same servers, one after another.
// Smaller runs: BENCH_EVENTS, BENCH_KEYS, BENCH_NAIVE_EVENTS, BENCH_RATE,
// BENCH_LATENCY_SECONDS, BENCH_COMMIT_INTERVAL_MS (the stage's commitIntervalMs);
// BENCH_CASES=a,b,c,profile,latency picks cases (profile: a and b again under the CPU profiler); BENCH_WARMUP=0 skips
// the warm-up. Servers: NATS_URL / DATABASE_URL, or started here. The machine's load
// moves these figures a lot: compare the ratio lines, and cpuMsPer1k, within one run.

import { partitionOf } from 'eddy';
import { JetStreamLog, PgStore } from 'eddy/connectors';
import { startTestServices } from '../test/services/test-services.ts';
import { ceiling } from './jetstream-ceiling.ts';
import { eddyLatency, eddyThroughput } from './jetstream-eddy.ts';
import { countPerPartition, publishInputs } from './jetstream-inputs.ts';
import { naive } from './jetstream-naive.ts';
import { withCpu } from './jetstream-server-cpu.ts';
import { whereTheCpuGoes } from './jetstream-where.ts';
import { goalLine, printer } from './report/bench-line.ts';

const env = process.env;
const events = Number(env.BENCH_EVENTS ?? 100_000);
const keys = Number(env.BENCH_KEYS ?? 1_000);
const partitions = Number(env.BENCH_PARTITIONS ?? 4);
const naiveEvents = Math.min(events, Number(env.BENCH_NAIVE_EVENTS ?? 3_000));
const rate = Number(env.BENCH_RATE ?? 5_000);
const latencySeconds = Number(env.BENCH_LATENCY_SECONDS ?? 15);
const curveRates = (env.BENCH_CURVE_RATES ?? `1000,2000,3000,${rate},8000,12000,16000`)
  .split(',')
  .map(Number)
  .filter((r, i, all) => all.indexOf(r) === i)
  .sort((x, y) => x - y);
const warmupSeconds = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const maxInFlight = Number(env.BENCH_MAX_IN_FLIGHT ?? 2_000);
const cases = new Set((env.BENCH_CASES ?? 'a,b,c,profile,latency').split(','));
// Names unique per run, so runs against NATS_URL / DATABASE_URL never share streams or rows.
const run = `bjs${Date.now().toString(36)}`;

const print = printer('jetstream');

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : Number((a / b).toFixed(2));
}

const services = await startTestServices();
try {
  const store = new PgStore({ url: services.databaseUrl });
  await store.migrate();
  await store.close();
  const setup = await JetStreamLog.connect({ servers: services.natsUrl });
  const input = `${run}.in`;
  await setup.ensureTopic({ subject: input, partitions });
  const loading = performance.now();
  const last = await publishInputs(setup, input, { events, keys });
  const loadSeconds = (performance.now() - loading) / 1000;
  print({
    case: 'setup: inputs pre-published (eddy JetStreamLog.append, 1000 in flight)',
    events,
    keys,
    partitions,
    eventsPerSec: Math.round(events / loadSeconds),
    cpus: (await import('node:os')).cpus().length,
    loadavg: (await import('node:os')).loadavg().map((l) => Number(l.toFixed(2))),
  });
  const all = countPerPartition(events, keys, (k) => partitionOf(k, partitions));
  const urls = { natsUrl: services.natsUrl, databaseUrl: services.databaseUrl };

  // A fresh PostgreSQL costs about twice the CPU per row until its tables have
  // grown once; without this, whichever case ran first would pay for it.
  if (env.BENCH_WARMUP !== '0') {
    const warm = await ceiling(
      { ...urls, name: `${run}w`, input, partitions, expected: all },
      { ack: 'batch', batch: 500, maxAckPending: 4_000, publishDepth: 2 },
    );
    print({ case: 'warm-up, not measured: hand-written loop over the same inputs', ...warm });
  }

  let a: number | undefined;
  if (cases.has('a')) {
    const { result, cpuMsPer1k } = await withCpu(urls, events, () =>
      eddyThroughput({ ...urls, name: `${run}a`, input, partitions, maxInFlight }, last, events),
    );
    a = result.eventsPerSec;
    print({
      case: 'a: eddy pipeline (JetStreamLog + PgStore), inputs pre-published',
      keys,
      partitions,
      ...result,
      cpuMsPer1k,
    });
  }

  let b: number | undefined;
  let bAck = '';
  if (cases.has('b')) {
    for (const ack of ['batch', 'each'] as const) {
      const { result, cpuMsPer1k } = await withCpu(urls, events, () =>
        ceiling(
          { ...urls, name: `${run}b${ack}`, input, partitions, expected: all },
          { ack, batch: 500, maxAckPending: 4_000, publishDepth: 2 },
        ),
      );
      if (result.eventsPerSec > (b ?? 0)) {
        b = result.eventsPerSec;
        bAck = result.ack;
      }
      print({ case: `b: hand-written batched loop, ${result.ack}`, keys, partitions, ...result, cpuMsPer1k });
    }
  }

  let c: number | undefined;
  let cPerPartition: number | undefined;
  if (cases.has('c')) {
    const expected = countPerPartition(naiveEvents, keys, (k) => partitionOf(k, partitions));
    for (const mode of ['single', 'per-partition'] as const) {
      const { result, cpuMsPer1k } = await withCpu(urls, naiveEvents, () =>
        naive(
          { ...urls, name: `${run}c${mode === 'single' ? 's' : 'p'}`, input, partitions, expected },
          mode,
        ),
      );
      if (mode === 'single') c = result.eventsPerSec;
      else cPerPartition = result.eventsPerSec;
      print({
        case: `c: naive loop (one transaction per input, publish, ackAck), ${result.loop}`,
        keys,
        partitions,
        ...result,
        cpuMsPer1k,
      });
    }
  }

  if (a !== undefined && b !== undefined)
    print(
      goalLine('ratio a/b (eddy / best hand-written)', ratio(a, b), { op: '>=', value: 0.8 }, { b: bAck }),
    );
  if (a !== undefined && c !== undefined)
    print(goalLine('ratio a/c (eddy / naive, one loop)', ratio(a, c), { op: '>=', value: 20 }));
  if (a !== undefined && cPerPartition !== undefined) {
    print({ case: 'ratio a/c (eddy / naive, one loop per partition)', ratio: ratio(a, cPerPartition) });
  }

  if (cases.has('profile')) {
    await whereTheCpuGoes({ ...urls, name: run, input, partitions, maxInFlight }, last, all, events, print);
  }

  if (cases.has('latency')) {
    // The latency curve: offered rates in steps until the stage no longer keeps up.
    let p99AtRate: number | undefined;
    for (const offered of curveRates) {
      const latencyInput = `${run}.lat${offered}`;
      await setup.ensureTopic({ subject: latencyInput, partitions });
      const sent = Math.round(offered * latencySeconds);
      const measured = await withCpu(urls, sent, () =>
        eddyLatency(
          { ...urls, name: `${run}l${offered}`, input: latencyInput, partitions, maxInFlight },
          { rate: offered, seconds: latencySeconds, keys, warmupSeconds },
        ),
      ).catch((error: unknown) => {
        print({ case: `a: eddy pipeline latency at ${offered}/s`, failed: String(error) });
        return undefined;
      });
      if (!measured) break;
      const { result, cpuMsPer1k } = measured;
      print({
        case: `a: latency at ${offered}/s offered, input publish -> output PubAck`,
        curve: true,
        keys,
        partitions,
        warmupSeconds,
        ...result,
        cpuMsPer1k,
      });
      if (offered === rate) p99AtRate = result.p99Ms;
      // Saturated: it no longer keeps up with what is offered.
      if (result.processedPerSec < offered * 0.9 || result.p50Ms > 1_000) break;
    }
    print(goalLine(`p99 ms at ${rate}/s offered`, p99AtRate, { op: '<=', value: 50 }));
  }
  await setup.close();
} finally {
  await services.stop();
}
