// One process of bench/scale.ts: the counting pipeline on JetStream + PostgreSQL,
// sharing the input's partitions with the other workers through leases, until
// SIGTERM; then one JSON line: its peak heap and RSS, CPU, and how many inputs it
// committed. Run by bench/scale.ts, not by hand.
import type { Flow, Logger } from 'eddy';
import { actor, from, pipeline } from 'eddy';
import { JetStreamLog, PgStore } from 'eddy/connectors';
import { countingActor } from './counting-actor.ts';

const env = process.env;
const name = env.SCALE_NAME ?? 'scale';
const logger: Logger = {
  debug: () => {},
  info: () => {},
  warn: (obj, msg) => process.stderr.write(`warn ${msg ?? ''} ${JSON.stringify(obj)}\n`),
  error: (obj, msg) => process.stderr.write(`error ${msg ?? ''} ${JSON.stringify(obj)}\n`),
};

const log = await JetStreamLog.connect({ servers: env.SCALE_NATS ?? '' }, { logger });
const store = new PgStore({ url: env.SCALE_DB ?? '', logger });
const running = pipeline(
  {
    name,
    log,
    store,
    owner: env.SCALE_OWNER ?? `w${process.pid}`,
    logger,
    leaseMs: 3_000,
    ...(env.SCALE_MAX_ACTIVE_KEYS ? { maxActiveKeys: Number(env.SCALE_MAX_ACTIVE_KEYS) } : {}),
  },
  (from(env.SCALE_INPUT ?? '') as Flow<{ n: number }>).pipe(
    actor(countingActor(name, Number(env.SCALE_SNAPSHOT_EVERY ?? 100))),
  ),
);
let peakHeap = 0;
let peakRss = 0;
const sample = setInterval(() => {
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss);
}, 50);
running.subscribe();
await running.start();
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

// The bench that started this process is gone: so is this one.
process.stdin.on('end', () => process.exit(1));
process.stdin.resume();

process.once('SIGTERM', () => {
  void (async () => {
    await running.stop();
    clearInterval(sample);
    const cpu = process.cpuUsage();
    await log.close();
    await store.close();
    process.stdout.write(
      `${JSON.stringify({
        peakHeapMiB: Math.round(peakHeap / 2 ** 20),
        peakRssMiB: Math.round(peakRss / 2 ** 20),
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      })}\n`,
    );
    process.exit(0);
  })();
});
