// What both agent cases share: the workload (one question per conversation, a tool call, an
// answer), the result they report and a pool that runs at most `concurrency` at a time.
import type { ModelServer } from '../model-server-client.ts';
import type { PgMeter, Written } from './pg-stats.ts';

export const SYSTEM = 'You answer questions about orders. Look orders up with the tool.';
export const TOOL_NAME = 'lookup_order';
export const TOOL_DESCRIPTION = 'Looks an order up by its id';
export const lookupOrder = (order: string) => ({ order, status: 'shipped', shippedOn: 'Monday' });
export const question = (i: number) => `Where is my order A${i}?`;

/** What a case is given: the run's database and meter, the model (with its latency), how many runs. */
export interface AgentCaseInput {
  readonly databaseUrl: string;
  readonly meter: PgMeter;
  readonly model: ModelServer;
  readonly conversations: number;
  readonly concurrency: number;
}

export interface AgentCaseResult {
  readonly answers: number;
  readonly failures: number;
  /** Model calls the loopback server answered during the case. */
  readonly modelSteps: number;
  readonly runsPerSec: number;
  readonly stepsPerSec: number;
  readonly written: Written;
  /** Anything else the case checked (eddy: its journal). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** Runs `run(0..n-1)` with at most `concurrency` in flight; resolves with how many threw. */
export async function pooled(n: number, concurrency: number, run: (i: number) => Promise<void>) {
  let next = 0;
  let failures = 0;
  let firstError: unknown;
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++;
        await run(i).catch((error: unknown) => {
          failures++;
          firstError ??= error;
        });
      }
    }),
  );
  return { failures, firstError };
}

/** Steps and rates from the model server's counts before and after. */
export async function modelSteps(model: ModelServer, before: { toolCalls: number; answers: number }) {
  const after = await model.stats();
  return after.toolCalls - before.toolCalls + (after.answers - before.answers);
}

export function rates(runs: number, steps: number, written: Written) {
  return {
    runsPerSec: Number((runs / written.seconds).toFixed(1)),
    stepsPerSec: Number((steps / written.seconds).toFixed(1)),
  };
}

/** `done`, or an error once `progress()` has not moved for `stallMs`: a stuck case fails, never hangs. */
export async function unstalled(done: Promise<void>, progress: () => number, what: string, stallMs = 60_000) {
  let last = progress();
  let since = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setInterval(() => {
      if (progress() !== last) {
        last = progress();
        since = performance.now();
      } else if (performance.now() - since > stallMs) {
        reject(new Error(`${what}: no progress for ${stallMs / 1000} s (at ${last})`));
      }
    }, 1000);
  });
  try {
    await Promise.race([done, stalled]);
  } finally {
    clearInterval(timer);
  }
}
