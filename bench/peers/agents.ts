// Comparison 2: durable ReAct agents, LangGraph.js (createReactAgent + PostgresSaver) against eddy
// (reactAgent in a pipeline on PgStore), the same conversations against the same loopback model at
// each latency, at most `concurrency` at a time for both.

import { startModelServer } from '../model-server-client.ts';
import { goalLine } from '../report/bench-line.ts';
import type { AgentCaseInput, AgentCaseResult } from './agent-case.ts';
import { eddyAgentCase } from './eddy-agent.ts';
import { langgraphCase } from './langgraph.ts';
import { PgMeter } from './pg-stats.ts';
import { type PeerSettings, type Print, progress, round } from './settings.ts';

function line(who: 'langgraph' | 'eddy', latencyMs: number, input: AgentCaseInput, result: AgentCaseResult) {
  return {
    case: `langgraph: ${who === 'eddy' ? 'eddy reactAgent' : 'LangGraph createReactAgent'}, ${latencyMs} ms model latency`,
    peer: 'langgraph',
    side: who,
    how:
      who === 'eddy'
        ? 'reactAgent in from(in).pipe(actor(agent), to(out)) on PgStore; a run counts once its answer is committed'
        : 'createReactAgent + PostgresSaver (default durability: async), ChatOpenAI; a run counts once invoke() resolves',
    latencyMs,
    conversations: input.conversations,
    concurrency: input.concurrency,
    answers: result.answers,
    failures: result.failures,
    modelSteps: result.modelSteps,
    runsPerSec: result.runsPerSec,
    stepsPerSec: result.stepsPerSec,
    ...result.written,
  };
}

export async function agentCases(databaseUrl: string, settings: PeerSettings, print: Print): Promise<void> {
  const meter = new PgMeter(databaseUrl);
  const results = new Map<string, AgentCaseResult>();
  try {
    for (const latencyMs of settings.latenciesMs) {
      const model = await startModelServer(latencyMs, 'react');
      try {
        const input: AgentCaseInput = {
          databaseUrl,
          meter,
          model,
          conversations: settings.conversations,
          concurrency: settings.concurrency,
        };
        for (const [who, run] of [
          ['langgraph', langgraphCase],
          ['eddy', eddyAgentCase],
        ] as const) {
          progress(`agents: ${who}, ${settings.conversations} conversations, ${latencyMs} ms latency`);
          try {
            const result = await run(input);
            results.set(`${who}@${latencyMs}`, result);
            print(line(who, latencyMs, input, result));
            if (who === 'eddy') {
              print({
                case: `langgraph: eddy journal complete, ${latencyMs} ms`,
                peer: 'langgraph',
                latencyMs,
                complete: result.extra?.journalComplete === true,
                runs: input.conversations,
                modelCalls: result.modelSteps,
                journalEvents: result.extra?.journalEvents,
              });
            }
          } catch (error) {
            progress(`agents: ${who}: ${error instanceof Error ? (error.stack ?? '') : String(error)}`);
            const reason = error instanceof Error ? error.message : String(error);
            print({ case: `langgraph: ${who} at ${latencyMs} ms: not run`, peer: 'langgraph', reason });
          }
        }
      } finally {
        await model.close();
      }
    }
  } finally {
    await meter.close();
  }
  const [first] = settings.latenciesMs;
  const eddy = results.get(`eddy@${first}`);
  const langgraph = results.get(`langgraph@${first}`);
  const ratio = (a: number | undefined, b: number | undefined, digits = 2) =>
    a === undefined || b === undefined || b === 0 ? undefined : round(a / b, digits);
  print(
    goalLine(
      `ratio eddy / LangGraph durable runs/s at ${first} ms`,
      ratio(eddy?.runsPerSec, langgraph?.runsPerSec, 1),
      { op: '>=', value: 8 },
      { peer: 'langgraph' },
    ),
  );
  print(
    goalLine(
      'ratio eddy / LangGraph bytes per run',
      ratio(eddy?.written.bytesPerRun, langgraph?.written.bytesPerRun),
      { op: '<=', value: 0.2 },
      { peer: 'langgraph', latencyMs: first },
    ),
  );
  for (const latencyMs of settings.latenciesMs) {
    const e = results.get(`eddy@${latencyMs}`);
    const l = results.get(`langgraph@${latencyMs}`);
    print({
      case: `ratio eddy / LangGraph at ${latencyMs} ms`,
      peer: 'langgraph',
      latencyMs,
      runsPerSec: ratio(e?.runsPerSec, l?.runsPerSec) ?? null,
      walBytesPerRun: ratio(e?.written.walBytesPerRun, l?.written.walBytesPerRun) ?? null,
      rowsPerRun: ratio(e?.written.rowsInsertedPerRun, l?.written.rowsInsertedPerRun) ?? null,
      cpuMsPerRun: ratio(e?.written.cpuMsPerRun, l?.written.cpuMsPerRun) ?? null,
    });
  }
}
