import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Flow, Logger } from 'eddy';
import { actor, from, pipeline, to } from 'eddy';
import { JetStreamLog, PgStore } from 'eddy/connectors';
import { type EchoInput, echoActor } from './jetstream-echo-actor.ts';
import { nowMs } from './jetstream-inputs.ts';
import { percentiles } from './jetstream-latency.ts';
import { ObservedLog } from './jetstream-observed-log.ts';
import { publishPaced } from './jetstream-paced-publisher.ts';

export interface EddyRun {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  /** Stage, actor and output names derive from it: unique per run. */
  readonly name: string;
  readonly input: string;
  readonly partitions: number;
  readonly maxInFlight: number;
}

const decoder = new TextDecoder();

/** Warnings and errors go to stderr, so a stalled run says why; stdout stays JSON lines. */
const stderrLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (obj, msg) => process.stderr.write(`warn ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`error ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

/** The bench's pipeline: the JetStream input, the echo actor, one sink. */
function newStage(run: EddyRun, log: JetStreamLog | ObservedLog, store: PgStore) {
  return pipeline(
    {
      name: run.name,
      log,
      store,
      partitions: Array.from({ length: run.partitions }, (_, p) => p),
      maxInFlight: run.maxInFlight,
      logger: stderrLogger,
      ...(process.env.BENCH_COMMIT_INTERVAL_MS
        ? { commitIntervalMs: Number(process.env.BENCH_COMMIT_INTERVAL_MS) }
        : {}),
    },
    // Unchecked JSON (no schema), as the Stage read it, so the figures compare.
    (from(run.input) as Flow<EchoInput>).pipe(actor(echoActor(run.name)), to(`${run.name}.out`)),
  );
}

async function waitFor(done: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Case (a), throughput: the inputs are in the log already; times the stage from
 * `start` until every output is published (and its outbox row deleted) and every
 * input is committed.
 */
export async function eddyThroughput(run: EddyRun, last: ReadonlyMap<number, number>, events: number) {
  const log = await JetStreamLog.connect({ servers: run.natsUrl }, { logger: stderrLogger });
  const store = new PgStore({ url: run.databaseUrl, logger: stderrLogger });
  await log.ensureTopic({ subject: `${run.name}.out`, partitions: run.partitions });
  const stage = newStage(run, log, store);
  let published = 0;
  stage.subscribe(() => published++);
  const started = performance.now();
  await stage.start();
  await waitFor(
    () => published >= events && [...last].every(([p, seq]) => (stage.watermarks().get(p) ?? 0) >= seq),
    Number(process.env.BENCH_TIMEOUT_MS ?? 600_000),
    () =>
      `the stage to publish every output: ${published}/${events} published, watermarks ${JSON.stringify([...stage.watermarks()])}, inputs end at ${JSON.stringify([...last])}`,
  );
  const seconds = (performance.now() - started) / 1000;
  await stage.stop();
  await log.close();
  await store.close();
  return {
    events,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(events / seconds),
    maxInFlight: run.maxInFlight,
  };
}

/**
 * Case (a), latency: a worker thread publishes at `rate` for `seconds`; each
 * output's latency is from its input's publish to the output's PubAck. The
 * first `warmupSeconds` of inputs are left out (consumers and keys warming up).
 */
export async function eddyLatency(
  run: EddyRun,
  options: {
    readonly rate: number;
    readonly seconds: number;
    readonly keys: number;
    readonly warmupSeconds: number;
  },
) {
  const samples: number[] = [];
  const output = `${run.name}.out`;
  let outputs = 0;
  let lastOutputAt = 0;
  let measureFrom = Number.POSITIVE_INFINITY;
  const inner = await JetStreamLog.connect({ servers: run.natsUrl }, { logger: stderrLogger });
  const log = new ObservedLog(inner, (subject, record) => {
    if (subject !== output) return;
    const at = nowMs();
    const { t } = JSON.parse(decoder.decode(record.payload)) as { t: number };
    outputs++;
    lastOutputAt = at;
    if (t >= measureFrom) samples.push(at - t);
  });
  const store = new PgStore({ url: run.databaseUrl, logger: stderrLogger });
  await log.ensureTopic({ subject: output, partitions: run.partitions });
  const stage = newStage(run, log, store);
  await stage.start();
  // Lets the consumers come up before the clock starts.
  await new Promise((r) => setTimeout(r, 500));
  measureFrom = nowMs() + options.warmupSeconds * 1000;
  // How long the event loop was blocked: outputs wait behind such stretches.
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const publishing = nowMs();
  const sent = await publishPaced({
    natsUrl: run.natsUrl,
    subject: run.input,
    rate: options.rate,
    seconds: options.seconds,
    keys: options.keys,
  });
  await waitFor(
    () => outputs >= sent.sent,
    180_000,
    () => `the outputs of the paced inputs: ${outputs}/${sent.sent}`,
  );
  await stage.stop();
  await log.close();
  await store.close();
  return {
    offeredPerSec: options.rate,
    sent: sent.sent,
    achievedPerSec: Math.round(sent.sent / sent.seconds),
    // What the stage kept up with: every input published, until its last output.
    processedPerSec: Math.round(sent.sent / ((lastOutputAt - publishing) / 1000)),
    publisherMaxLagMs: Math.round(sent.maxLagMs),
    samples: samples.length,
    ...percentiles(samples),
    eventLoopDelayMs: {
      p50: Math.round(loopDelay.percentile(50) / 1e6),
      p99: Math.round(loopDelay.percentile(99) / 1e6),
      max: Math.round(loopDelay.max / 1e6),
    },
  };
}
