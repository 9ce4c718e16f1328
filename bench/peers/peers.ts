// `node bench/peers/peers.ts [--quick]`: eddy side by side with the peers a user would pick
// instead, on one PostgreSQL (started here with pgvector, or $DATABASE_URL), same workload, one run:
// Emmett (event-sourced streams), LangGraph.js (durable ReAct agents), Mastra's PgVector (vector
// memory). One JSON line per case on stdout, progress on stderr. Sizes: BENCH_EMMETT_EVENTS,
// BENCH_CONVERSATIONS, BENCH_PEER_VECTORS, BENCH_PEER_QUERIES (see settings.ts); BENCH_PEERS picks.

import { startTestServices } from '../../test/services/test-services.ts';
import { printer } from '../report/bench-line.ts';
import { type Peer, type PeerSettings, type Print, peerSettings, progress } from './settings.ts';

const settings = peerSettings(process.env, process.argv.slice(2));
const print: Print = printer('peers');

type Cases = (databaseUrl: string, settings: PeerSettings, print: Print) => Promise<void>;
/** Each peer's cases, loaded only when picked: a peer that fails to load is reported, not fatal. */
const cases: Record<Peer, () => Promise<Cases>> = {
  emmett: async () => (await import('./emmett.ts')).emmettCases,
  langgraph: async () => (await import('./agents.ts')).agentCases,
  mastra: async () => (await import('./mastra.ts')).mastraCases,
};

progress(`settings ${JSON.stringify(settings)}`);
const services = await startTestServices();
progress(services.description);
try {
  for (const peer of settings.peers) {
    try {
      await (await cases[peer]())(services.databaseUrl, settings, print);
    } catch (error) {
      progress(`${peer}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      print({
        case: `${peer}: not run`,
        peer,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
} finally {
  await services.stop();
}
