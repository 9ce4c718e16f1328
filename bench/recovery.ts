// `node bench/recovery.ts`: how long a killed stage takes to come back. BENCH_EVENTS (1M)
// inputs are journaled over BENCH_KEYS (100k) keys by the counting pipeline on JetStream +
// PostgreSQL — half of them on 1% of the keys (hot keys with ~500 events each, the rest
// ~5), so snapshots matter — then the process is killed (SIGKILL) and one more input per
// key is published. A new process starts: the time until it commits again, and until
// every key has loaded its state (snapshot + journal tail) and applied its new input.
// Once with a snapshot every 100 events, once without, in the same run.
import { JetStreamLog, PgStore } from 'eddy/connectors';
import pg from 'pg';
import { startTestServices } from '../test/services/test-services.ts';
import { publishInputs } from './jetstream-inputs.ts';
import { goalLine, printer, rounded } from './report/bench-line.ts';
import { committed, committedTo, startWorker } from './scale-workers.ts';

const print = printer('recovery');
const events = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const keys = Number(process.env.BENCH_KEYS ?? 100_000);
const hot = Math.max(1, Math.floor(keys / 100));
const partitions = 4;
// Even inputs go to the hot keys, odd ones spread over the rest.
const keyOf = (i: number) => (i % 2 === 0 ? `k${(i / 2) % hot}` : `k${hot + (((i - 1) / 2) % (keys - hot))}`);

const services = await startTestServices();
const setup = new PgStore({ url: services.databaseUrl });
await setup.migrate();
await setup.close();
const db = new pg.Client({ connectionString: services.databaseUrl });
await db.connect();
try {
  for (const snapshotEvery of [100, 0]) {
    const stage = `rec${snapshotEvery}`;
    const input = `${stage}.in`;
    const env = { SCALE_SNAPSHOT_EVERY: String(snapshotEvery) };
    const worker = (owner: string) =>
      startWorker({ natsUrl: services.natsUrl, databaseUrl: services.databaseUrl, stage, input, owner, env });
    const log = await JetStreamLog.connect({ servers: services.natsUrl });
    await log.ensureTopic({ subject: input, partitions });
    process.stderr.write(
      `recovery: journaling ${events} inputs over ${keys} keys (snapshots ${snapshotEvery || 'off'})\n`,
    );
    const journaled = await publishInputs(log, input, { events, keys, keyOf });
    const first = worker(stage);
    await first.ready;
    await committedTo(db, stage, journaled);
    await first.kill();
    // One more input per key: the new process must load every key's state to apply it.
    const last = await publishInputs(log, input, { events: keys, keys, from: events });
    await log.close();
    const before = await committed(db, stage);
    const started = performance.now();
    // Restarted under the same instance name (a systemd unit, a StatefulSet pod): it takes its
    // partitions back at once instead of waiting for the dead process's leases to run out.
    const second = worker(stage);
    for (;;) {
      const at = await committed(db, stage);
      if ([...at].some(([p, seq]) => seq > (before.get(p) ?? 0))) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const consuming = (performance.now() - started) / 1000;
    await committedTo(db, stage, last, { everyMs: 10 });
    const allKeys = (performance.now() - started) / 1000;
    const used = await second.stop();
    // Every key's state is back: its latest version counts all of its inputs.
    const { rows } = await db.query<{ wrong: string }>(
      `SELECT count(*) AS wrong FROM (
         SELECT key, max(version) AS v FROM eddy_journal WHERE actor = $1 GROUP BY key
       ) j WHERE j.v <> (SELECT count(*) FROM eddy_journal e WHERE e.actor = $1 AND e.key = j.key)`,
      [`${stage}.count`],
    );
    const { rows: snaps } = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM eddy_snapshots WHERE actor = $1',
      [`${stage}.count`],
    );
    print({
      case: `restart after a kill, ${events} journaled events over ${keys} keys, snapshots ${snapshotEvery ? `every ${snapshotEvery}` : 'off'}`,
      events,
      keys,
      snapshotEvery,
      snapshots: Number(snaps[0]?.n ?? 0),
      consumingAfterSec: rounded(consuming, 2),
      allKeysBackSec: rounded(allKeys, 2),
      keysPerSec: Math.round(keys / allKeys),
      // The restarted process's CPU: start-up, loads, the new inputs, the drain.
      nodeCpuSec: rounded(used.cpuMs / 1000, 1),
      keysWithWrongVersions: Number(rows[0]?.wrong ?? -1),
    });
    if (snapshotEvery > 0)
      print(
        goalLine('seconds until every key is back (snapshots on)', rounded(allKeys, 2), {
          op: '<=',
          value: 10,
        }),
      );
  }
} finally {
  await db.end();
  await services.stop();
}
