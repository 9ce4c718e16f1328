import type { Flow, Store } from 'eddy';
import { actor, from, keyBy, pipeline } from 'eddy';
import { filter, map } from 'rxjs';
import { benchInput, committedAll } from './bench-input.ts';
import { countingActor, groupCounter, relayActor } from './counting-actor.ts';

export interface PipelineResult {
  readonly events: number;
  readonly keys: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
  readonly heapMiB: number;
}

/**
 * The pipelines bench:core times:
 * - `one-actor`: the counting actor straight on the input;
 * - `identity-steps`: the same behind three per-record steps that return their record,
 *   the cost of the per-record machinery alone;
 * - `two-actors`: three per-record steps (map, filter, map), an actor that passes each
 *   record on, a keyBy hop onto 100 groups, and a counting actor per group.
 */
export type PipelineShape = 'one-actor' | 'identity-steps' | 'two-actors';

type Input = { readonly n: number };
const GROUPS = 100;
const encoder = new TextEncoder();

function flowOf(shape: PipelineShape, run: string, input: string, events: number): Flow<unknown> {
  // Unchecked JSON (no schema), as the Stage bench read it, so the figures compare.
  const source = from(input) as Flow<Input>;
  switch (shape) {
    case 'one-actor':
      return source.pipe(actor(countingActor(run)));
    case 'identity-steps':
      return source.pipe(
        map((r) => r),
        map((r) => r),
        map((r) => r),
        actor(countingActor(run)),
      );
    case 'two-actors':
      return source.pipe(
        map((r) => ({ n: r.n, group: `g${r.n % GROUPS}` })),
        filter((r) => r.n >= 0),
        map((r) => ({ ...r, seen: true })),
        actor(relayActor(run)),
        keyBy((r) => r.group),
        actor(groupCounter(run, events / GROUPS)),
      );
  }
}

/**
 * Appends `events` inputs over `keys` keys to an embedded log, then times one
 * pipeline from start until every input is committed (for `two-actors`: until
 * every group counted all of its records, after the hop). Loading the log is
 * not timed: the figure is the pipeline's own throughput.
 */
export async function runPipeline(
  store: Store,
  options: {
    readonly events: number;
    readonly keys: number;
    readonly partitions: number;
    readonly commitEvery?: number;
    readonly name: string;
    readonly shape?: PipelineShape;
  },
): Promise<PipelineResult> {
  const shape = options.shape ?? 'one-actor';
  if (shape === 'two-actors' && options.events % GROUPS !== 0) {
    throw new RangeError(`two-actors needs a multiple of ${GROUPS} events`);
  }
  const { log, input, last } = await benchInput(
    options.name,
    options.events,
    (i) => ({ key: `k${i % options.keys}`, payload: encoder.encode(`{"n":${i}}`) }),
    options.partitions,
  );
  const running = pipeline(
    {
      name: options.name,
      log,
      store,
      maxInFlight: 4000,
      ...(options.commitEvery !== undefined
        ? { commitEvery: options.commitEvery, maxInFlight: 4 * options.commitEvery }
        : {}),
    },
    flowOf(shape, options.name, input, options.events),
  );
  // The group counters hand out one result per group when it has all its records.
  let groupsDone = 0;
  running.subscribe(() => groupsDone++);
  const started = performance.now();
  await running.start();
  await committedAll(running, last, shape === 'two-actors' ? () => groupsDone === GROUPS : undefined);
  const seconds = (performance.now() - started) / 1000;
  await running.stop();
  await log.close();
  return {
    events: options.events,
    keys: options.keys,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(options.events / seconds),
    heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}
