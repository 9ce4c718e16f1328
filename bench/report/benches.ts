// The benches `npm run bench` runs, in order, and how `--quick` shrinks each.

export interface BenchSpec {
  /** Names its results file (bench/results/<name>.json) and its README part. */
  readonly name: string;
  readonly script: string;
  /** What `--quick` sets: a run of a few minutes for all of them together. */
  readonly quick: Readonly<Record<string, string>>;
}

export const BENCHES: readonly BenchSpec[] = [
  {
    name: 'core',
    script: 'bench/core.ts',
    quick: { BENCH_EVENTS: '100000', BENCH_KEYS: '10000', BENCH_ROUNDS: '1', BENCH_BASELINE_EVENTS: '5000' },
  },
  {
    name: 'scale',
    script: 'bench/scale.ts',
    quick: { BENCH_EVENTS: '100000', BENCH_KEYS: '10000,20000' },
  },
  {
    name: 'recovery',
    script: 'bench/recovery.ts',
    quick: { BENCH_EVENTS: '100000', BENCH_KEYS: '10000' },
  },
  {
    name: 'jetstream',
    script: 'bench/jetstream.ts',
    quick: { BENCH_EVENTS: '20000', BENCH_LATENCY_SECONDS: '6', BENCH_CURVE_RATES: '1000,3000,5000' },
  },
  {
    name: 'operators',
    script: 'bench/operators.ts',
    quick: { BENCH_EVENTS: '100000', BENCH_LOOKUP_EVENTS: '20000' },
  },
  {
    name: 'model-bound',
    script: 'bench/model-bound.ts',
    quick: { BENCH_KEYS: '100,300', BENCH_CALLS_PER_KEY: '10' },
  },
  {
    name: 'memory',
    script: 'bench/memory.ts',
    quick: { BENCH_VECTORS: '5000', BENCH_PGLITE_VECTORS: '2000', BENCH_QUERIES: '100' },
  },
  {
    name: 'peers',
    script: 'bench/peers/peers.ts',
    quick: { BENCH_EMMETT_EVENTS: '5000', BENCH_CONVERSATIONS: '100', BENCH_PEER_VECTORS: '5000' },
  },
];
