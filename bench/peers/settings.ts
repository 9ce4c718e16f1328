// Sizes and case selection of bench/peers, from the environment; `--quick` shrinks the defaults.

export type Peer = 'emmett' | 'langgraph' | 'mastra';
const allPeers: readonly Peer[] = ['emmett', 'langgraph', 'mastra'];

export interface PeerSettings {
  readonly peers: readonly Peer[];
  /** Events for the Emmett comparison, over `streams` streams / keys. */
  readonly emmettEvents: number;
  readonly streams: number;
  readonly emmettWorkers: number;
  /** Agent conversations per case, `concurrency` at a time, at each model latency. */
  readonly conversations: number;
  readonly concurrency: number;
  readonly latenciesMs: readonly number[];
  /** Vectors (384 dims) for the Mastra comparison, clustered; random ones too when `randomVectors` > 0. */
  readonly vectors: number;
  readonly randomVectors: number;
  readonly queries: number;
  /** hnsw.ef_search for every vector query of the run (eddy, Mastra, raw SQL). */
  readonly efSearch: number;
}

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new RangeError(`${name} must be a whole number, got ${raw}`);
  return value;
}

function peersFrom(raw: string | undefined): readonly Peer[] {
  if (raw === undefined || raw.trim() === '') return allPeers;
  const names = raw.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !allPeers.includes(name as Peer));
  if (unknown.length > 0) {
    throw new RangeError(`BENCH_PEERS: unknown ${unknown.join(', ')} (known: ${allPeers.join(', ')})`);
  }
  return allPeers.filter((peer) => names.includes(peer));
}

/** The run's settings: `BENCH_*` variables win over the profile (full, or `--quick`). */
export function peerSettings(env: NodeJS.ProcessEnv, argv: readonly string[]): PeerSettings {
  const quick = argv.includes('--quick');
  const vectors = numberFrom(env, 'BENCH_PEER_VECTORS', quick ? 5000 : 100_000);
  return {
    peers: peersFrom(env.BENCH_PEERS),
    emmettEvents: numberFrom(env, 'BENCH_EMMETT_EVENTS', quick ? 5000 : 20_000),
    streams: numberFrom(env, 'BENCH_EMMETT_STREAMS', 1000),
    emmettWorkers: numberFrom(env, 'BENCH_EMMETT_WORKERS', 8),
    conversations: numberFrom(env, 'BENCH_CONVERSATIONS', quick ? 100 : 1000),
    concurrency: numberFrom(env, 'BENCH_AGENT_CONCURRENCY', 50),
    latenciesMs: (env.BENCH_MODEL_LATENCIES_MS ?? '0,300').split(',').map((ms) => Number(ms.trim())),
    vectors,
    randomVectors: numberFrom(env, 'BENCH_PEER_RANDOM_VECTORS', Math.min(vectors, quick ? 2000 : 20_000)),
    queries: numberFrom(env, 'BENCH_PEER_QUERIES', 500),
    efSearch: numberFrom(env, 'BENCH_PEER_EF_SEARCH', 40),
  };
}

/** Progress and diagnostics: stderr, so stdout stays one JSON line per case. */
export function progress(message: string): void {
  process.stderr.write(`[peers] ${message}\n`);
}

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** What prints a case's line (bench-line.ts's `printer('peers')`). */
export type Print = (line: { readonly case: string } & Record<string, unknown>) => void;
