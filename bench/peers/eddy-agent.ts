// eddy side of the agent comparison: reactAgent (journaled) with one typed tool in
// from(subject, reactInputSchema).pipe(actor(agent), to(out)) on PgStore, one key per conversation,
// at most `concurrency` questions outstanding (the next is appended when an answer is committed).
import { actor, from, MemoryLog, pipeline, to } from 'eddy';
import { chatModel, type ReactRequest, reactAgent, reactInputSchema, tool } from 'eddy/agents';
import { PgStore } from 'eddy/connectors';
import { z } from 'zod';
import {
  type AgentCaseInput,
  type AgentCaseResult,
  lookupOrder,
  modelSteps,
  question,
  rates,
  SYSTEM,
  TOOL_DESCRIPTION,
  TOOL_NAME,
  unstalled,
} from './agent-case.ts';
import { type Finished, finished, type Mark, type TableRef } from './pg-stats.ts';

export const eddyAgentTables: readonly TableRef[] = [
  'journal',
  'snapshots',
  'outbox',
  'key_progress',
  'timers',
  'partitions',
].map((name) => ({ schema: 'public', name: `eddy_${name}` }));

const encoder = new TextEncoder();

export async function eddyAgentCase(input: AgentCaseInput): Promise<AgentCaseResult> {
  const store = new PgStore({ url: input.databaseUrl });
  await store.migrate();
  const name = `peers-agent-${input.model.latencyMs}ms-${Date.now()}`;
  const lookup = tool({
    name: TOOL_NAME,
    description: TOOL_DESCRIPTION,
    input: z.object({ order: z.string() }),
    run: ({ order }) => lookupOrder(order),
  });
  const model = chatModel({
    provider: 'openai',
    model: 'gpt-4o-mini',
    baseURL: input.model.baseURL,
    apiKey: 'sk-bench',
  });
  const agent = reactAgent({ name, model, tools: [lookup], system: SYSTEM });
  const log = new MemoryLog();
  const subject = `${name}.in`;
  await log.ensureTopic({ subject, partitions: 4 });
  const running = pipeline(
    { name, log, store },
    from(subject, reactInputSchema).pipe(actor(agent), to(`${name}.out`)),
  );
  const send = (i: number) => {
    const request: ReactRequest = { type: 'ask', question: question(i), runId: `r${i}` };
    return log.append(subject, {
      key: `c${i}`,
      msgId: `q${i}`,
      payload: encoder.encode(JSON.stringify(request)),
    });
  };
  // Conversation -1 first, outside the measure, as LangGraph's warm-up.
  let expected = 1;
  let sent = 0;
  let answers = 0;
  let failures = 0;
  let allDone: () => void = () => {};
  let firstError = '';
  running.subscribe(({ value }) => {
    if (value.type === 'answer' && String(value.answer).includes('shipped')) answers++;
    else {
      failures++;
      firstError ||= JSON.stringify(value);
    }
    if (answers + failures === expected) allDone();
    else if (sent < input.conversations) void send(sent++);
  });
  await running.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await running.stop();
    await log.close();
    await store.close();
  };
  let measured: { before: Mark; end: Finished; modelCalls: number };
  try {
    const warmUp = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    await send(-1);
    await unstalled(warmUp, () => answers + failures, 'eddy agent warm-up');
    answers = 0;
    failures = 0;
    expected = input.conversations;
    const steps = await input.model.stats();
    const before = await input.meter.mark(eddyAgentTables);
    const done = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    while (sent < Math.min(input.concurrency, input.conversations)) await send(sent++);
    await unstalled(done, () => answers + failures, 'eddy agents');
    const end = finished();
    measured = { before, end, modelCalls: await modelSteps(input.model, steps) };
  } finally {
    await stop();
  }
  const { before, end, modelCalls } = measured;
  if (failures > 0) process.stderr.write(`[peers] eddy agent: ${failures} runs failed: ${firstError}\n`);
  const written = await input.meter.since(before, end, eddyAgentTables, input.conversations);
  // Every run's model answers and tool result, journaled: the step events by type.
  const journal = await input.meter.query<{ type: string; events: string }>(
    `SELECT type, count(*)::text AS events FROM eddy_journal WHERE actor = $1 AND key <> 'c-1' GROUP BY type`,
    [name],
  );
  const byType: Record<string, number> = Object.fromEntries(
    journal.map((row) => [row.type, Number(row.events)]),
  );
  const count = (type: string) => byType[type] ?? 0;
  // Complete: each model call and tool call has its step record and its event, each run its end.
  const complete =
    count('ModelAnswered') === modelCalls &&
    count('ToolFinished') === input.conversations &&
    count('RunFinished') === input.conversations &&
    count('$step') === modelCalls + count('ToolFinished');
  return {
    answers,
    failures,
    modelSteps: modelCalls,
    ...rates(answers, modelCalls, written),
    written,
    extra: { journalEvents: byType, journalComplete: complete },
  };
}
