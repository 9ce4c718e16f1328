// Where a case's CPU goes, from a V8 CPU profile: self time summed by area (the NATS client,
// the pg client, each part of eddy, the hand-written loop, GC, Node itself), per event.

/** The fields of a V8 CPU profile (inspector `Profiler.stop`, `--cpu-prof`) read here. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
  }[];
  readonly samples: readonly number[];
  /** µs since the previous sample, one per sample. */
  readonly timeDeltas: readonly number[];
}

type Test = (url: string, fn: string) => boolean;

const library = (u: string) => u.includes('/node_modules/');
/** eddy's own files (and the bench's), not a library's folder of the same name (`@opentelemetry/core`). */
const own =
  (folder: RegExp): Test =>
  (u) =>
    !library(u) && folder.test(u);

/** First match wins: the connectors before the core they call, the core before "other". */
const AREAS: readonly (readonly [area: string, test: Test])[] = [
  ['garbage collection', (_u, f) => f === '(garbage collector)'],
  ['nats.js client', (u) => u.includes('/node_modules/@nats-io/')],
  ['pg client', (u) => /\/node_modules\/pg(-[a-z]+)?\//.test(u)],
  ['eddy: JetStream connector', own(/\/connectors\/jetstream\//)],
  ['eddy: SQL store', own(/\/connectors\/(sql|postgres)\/|\/core\/store\//)],
  ['eddy: exactly-once (commit, outbox, acks)', own(/\/core\/exactly-once\//)],
  ['eddy: runtime, operators, log', own(/\/core\//)],
  ['hand-written loop', own(/\/bench\//)],
  ['other libraries', library],
  ['Node: sockets, buffers, text, timers, promises', () => true],
];

/** Not the case's CPU: waiting, and the profiler's own work. */
const LEFT_OUT: Test = (u, f) => f === '(idle)' || u === 'node:inspector';

/** The area of one frame (exported for the test). */
export function areaOf(url: string, functionName: string): string | undefined {
  if (LEFT_OUT(url, functionName)) return undefined;
  return AREAS.find(([, test]) => test(url, functionName))?.[0];
}

/** µs of CPU per event in each area (in `AREAS` order, areas with none left out), and their total. */
export function cpuByArea(
  profile: CpuProfile,
  events: number,
): { readonly areas: ReadonlyMap<string, number>; readonly total: number } {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const sums = new Map<string, number>(AREAS.map(([area]) => [area, 0]));
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id);
    const area = frame && areaOf(frame.url, frame.functionName);
    if (area !== undefined) sums.set(area, (sums.get(area) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const areas = new Map<string, number>();
  let total = 0;
  for (const [area, us] of sums) {
    if (us === 0) continue;
    areas.set(area, us / events);
    total += us / events;
  }
  return { areas, total };
}
