import type { Store } from 'eddy';
import { MemoryLog, Stage } from 'eddy';
import { countingActor } from './counting-actor.ts';

export interface PipelineResult {
  readonly events: number;
  readonly keys: number;
  readonly seconds: number;
  readonly eventsPerSec: number;
  readonly heapMiB: number;
}

const encoder = new TextEncoder();

/**
 * Appends `events` inputs over `keys` keys to an embedded log, then times one
 * stage with the counting actor from start until every input is committed.
 * Loading the log is not timed: the figure is the stage's own throughput.
 */
export async function runPipeline(
  store: Store,
  options: { events: number; keys: number; partitions: number; commitEvery?: number; name: string },
): Promise<PipelineResult> {
  const log = new MemoryLog();
  const input = `${options.name}.in`;
  await log.ensureTopic({ subject: input, partitions: options.partitions });
  const last = new Map<number, number>();
  const payload = encoder.encode('{"n":1}');
  const pending: Promise<unknown>[] = [];
  for (let i = 0; i < options.events; i++) {
    pending.push(
      log
        .append(input, { key: `k${i % options.keys}`, payload, msgId: `${i}` })
        .then((ack) => last.set(ack.partition, Math.max(last.get(ack.partition) ?? 0, ack.seq))),
    );
    if (pending.length >= 10_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  const stage = new Stage({
    name: options.name,
    log,
    store,
    input,
    actor: countingActor,
    maxInFlight: 4000,
    ...(options.commitEvery !== undefined
      ? { commitEvery: options.commitEvery, maxInFlight: 4 * options.commitEvery }
      : {}),
  });
  const started = performance.now();
  await stage.start();
  for (;;) {
    const marks = stage.watermarks();
    if ([...last].every(([p, seq]) => (marks.get(p) ?? 0) >= seq)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - started) / 1000;
  await stage.stop();
  await log.close();
  return {
    events: options.events,
    keys: options.keys,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(options.events / seconds),
    heapMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
  };
}
