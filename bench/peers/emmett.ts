// Comparison 1: events arriving one at a time over 1000 streams, appended and folded into
// per-stream state. Emmett 0.42 on PostgreSQL (one appendToStream per event, awaited, with the
// stream's expected version, then folded; sequential and with N workers) against an eddy
// pipeline on PgStore (the counting actor over a memory log, bench/run-pipeline.ts).
import { type Event, STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { actor, from, pipeline } from 'eddy';
import { PgStore } from 'eddy/connectors';
import { benchInput, committedAll } from '../bench-input.ts';
import { countingActor } from '../counting-actor.ts';
import { goalLine } from '../report/bench-line.ts';
import { finished, PgMeter, type TableRef, type Written } from './pg-stats.ts';
import { type PeerSettings, type Print, progress, round } from './settings.ts';

type Counted = Event<'Counted', { n: number }>;
type Cart = { readonly count: number; readonly last: number };
const evolve = (state: Cart, event: Counted): Cart => ({ count: state.count + 1, last: event.data.n });

interface EmmettRun {
  readonly eventsPerSec: number;
  readonly written: Written;
  readonly folded: number;
}

/** Appends `events` events, event i to stream i % streams, `workers` loops each owning a share of the streams. */
async function emmettRun(
  databaseUrl: string,
  meter: PgMeter,
  tables: readonly TableRef[],
  run: string,
  settings: PeerSettings,
  workers: number,
): Promise<EmmettRun> {
  const store: PostgresEventStore = getPostgreSQLEventStore(databaseUrl);
  const states = new Map<string, Cart>();
  const versions = new Map<string, bigint>();
  const one = async (i: number) => {
    const stream = `${run}-k${i % settings.streams}`;
    const event: Counted = { type: 'Counted', data: { n: i } };
    const result = await store.appendToStream<Counted>(stream, [event], {
      expectedStreamVersion: versions.get(stream) ?? STREAM_DOES_NOT_EXIST,
    });
    versions.set(stream, result.nextExpectedStreamVersion);
    states.set(stream, evolve(states.get(stream) ?? { count: 0, last: -1 }, event));
  };
  await store.streamExists(`${run}-warm-up`); // a connection open before the clock starts, as eddy's
  const before = await meter.mark(tables);
  await Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      // A stream belongs to one worker, so its events stay in order and no append conflicts.
      for (let i = 0; i < settings.emmettEvents; i++) {
        if ((i % settings.streams) % workers === worker) await one(i);
      }
    }),
  );
  const end = finished();
  // Its connections closed first: a backend reports its inserts when it exits.
  await store.close();
  const written = await meter.since(before, end, tables, settings.emmettEvents);
  let folded = 0;
  for (const state of states.values()) folded += state.count;
  return { eventsPerSec: Math.round(settings.emmettEvents / written.seconds), written, folded };
}

/**
 * The same events through `from(input).pipe(actor(counting))` (as bench/run-pipeline.ts, inlined
 * so that the meter starts after the memory log is loaded): timed until every input is committed.
 */
async function eddyRun(databaseUrl: string, meter: PgMeter, settings: PeerSettings): Promise<EmmettRun> {
  const store = new PgStore({ url: databaseUrl });
  await store.migrate();
  const name = `peers-emmett-${Date.now()}`;
  const encoder = new TextEncoder();
  const { log, input, last } = await benchInput(name, settings.emmettEvents, (i) => ({
    key: `k${i % settings.streams}`,
    payload: encoder.encode(`{"n":${i}}`),
  }));
  const counting = countingActor(name);
  const running = pipeline({ name, log, store, maxInFlight: 4000 }, from(input).pipe(actor(counting)));
  running.subscribe();
  const before = await meter.mark(eddyTables);
  await running.start();
  await committedAll(running, last);
  const end = finished();
  await running.stop();
  await log.close();
  await store.close();
  const written = await meter.since(before, end, eddyTables, settings.emmettEvents);
  const [row] = await meter.query<{ events: string }>(
    'SELECT count(*)::text AS events FROM eddy_journal WHERE actor = $1',
    [counting.name],
  );
  return {
    eventsPerSec: Math.round(settings.emmettEvents / written.seconds),
    written,
    folded: Number(row?.events ?? 0),
  };
}

const eddyTables: readonly TableRef[] = ['journal', 'snapshots', 'outbox', 'key_progress', 'partitions'].map(
  (name) => ({ schema: 'public', name: `eddy_${name}` }),
);

export async function emmettCases(databaseUrl: string, settings: PeerSettings, print: Print): Promise<void> {
  const meter = new PgMeter(databaseUrl);
  const how = {
    events: settings.emmettEvents,
    streams: settings.streams,
  };
  let best: number | undefined;
  try {
    const schema = getPostgreSQLEventStore(databaseUrl);
    await schema.schema.migrate();
    await schema.close();
    const tables = await meter.tablesLike('public', 'emt_%');
    for (const workers of [1, settings.emmettWorkers]) {
      progress(`emmett: ${settings.emmettEvents} events, ${workers} worker(s)`);
      const result = await emmettRun(
        databaseUrl,
        meter,
        tables,
        `cart-w${workers}-${Date.now()}`,
        settings,
        workers,
      );
      if (result.folded !== settings.emmettEvents) {
        throw new Error(`Emmett folded ${result.folded} of ${settings.emmettEvents} events`);
      }
      best = Math.max(best ?? 0, result.eventsPerSec);
      print({
        case: `emmett: appendToStream per event, ${workers === 1 ? 'sequential' : `${workers} workers`}`,
        peer: 'emmett',
        how: 'appendToStream per event, awaited, with the expected stream version; then folded in memory',
        ...how,
        workers,
        eventsPerSec: result.eventsPerSec,
        ...result.written,
      });
    }
  } catch (error) {
    print({ case: 'emmett: not run', peer: 'emmett', reason: String(error) });
  }

  progress(`emmett: eddy pipeline, ${settings.emmettEvents} events`);
  const eddy = await eddyRun(databaseUrl, meter, settings);
  await meter.close();
  print({
    case: 'emmett: eddy pipeline (memory log + PgStore, counting actor)',
    peer: 'emmett',
    how: 'events in a memory log first; timed from pipeline start until every input is committed',
    ...how,
    eventsPerSec: eddy.eventsPerSec,
    journaledEvents: eddy.folded,
    ...eddy.written,
  });
  const ratio = best === undefined ? undefined : round(eddy.eventsPerSec / best, 1);
  print(goalLine('ratio eddy / Emmett best', ratio, { op: '>=', value: 5 }, { peer: 'emmett' }));
}
