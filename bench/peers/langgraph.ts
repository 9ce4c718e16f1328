// LangGraph.js side of the agent comparison: createReactAgent with one tool, a ChatOpenAI model on
// the loopback server and a PostgresSaver checkpointer (its default durability), each conversation
// its own thread; a run is durable when invoke() resolves.
import { tool } from '@langchain/core/tools';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { PostgresSaver } from '@langchain/langgraph-checkpoint-postgres';
import { ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import {
  type AgentCaseInput,
  type AgentCaseResult,
  lookupOrder,
  modelSteps,
  pooled,
  question,
  rates,
  SYSTEM,
  TOOL_DESCRIPTION,
  TOOL_NAME,
} from './agent-case.ts';
import { type Finished, finished, type Mark, type TableRef } from './pg-stats.ts';

export const langgraphTables: readonly TableRef[] = [
  'checkpoints',
  'checkpoint_blobs',
  'checkpoint_writes',
].map((name) => ({ schema: 'public', name }));

export async function langgraphCase(input: AgentCaseInput): Promise<AgentCaseResult> {
  const checkpointer = PostgresSaver.fromConnString(input.databaseUrl);
  await checkpointer.setup();
  const lookup = tool(async ({ order }: { order: string }) => JSON.stringify(lookupOrder(order)), {
    name: TOOL_NAME,
    description: TOOL_DESCRIPTION,
    schema: z.object({ order: z.string() }),
  });
  const llm = new ChatOpenAI({
    model: 'gpt-4o-mini',
    apiKey: 'sk-bench',
    configuration: { baseURL: input.model.baseURL },
  });
  const agent = createReactAgent({ llm, tools: [lookup], prompt: SYSTEM, checkpointSaver: checkpointer });
  const thread = `lg-${input.model.latencyMs}ms-${Date.now()}`;
  let answers = 0;
  let measured: { before: Mark; end: Finished; modelCalls: number; failures: number; firstError: unknown };
  try {
    // One conversation first, outside the measure: connections, prepared paths, lazy imports.
    await agent.invoke(
      { messages: [{ role: 'user', content: question(-1) }] },
      { configurable: { thread_id: `${thread}-warm-up` } },
    );
    const steps = await input.model.stats();
    const before = await input.meter.mark(langgraphTables);
    const { failures, firstError } = await pooled(input.conversations, input.concurrency, async (i) => {
      const result = await agent.invoke(
        { messages: [{ role: 'user', content: question(i) }] },
        { configurable: { thread_id: `${thread}-${i}` } },
      );
      const last = result.messages.at(-1);
      if (typeof last?.content === 'string' && last.content.includes('shipped')) answers++;
      else throw new Error(`no answer: ${JSON.stringify(last?.content)}`);
    });
    const end = finished();
    measured = { before, end, modelCalls: await modelSteps(input.model, steps), failures, firstError };
  } finally {
    // Its connections closed before the meter reads: a backend reports its inserts when it exits.
    await checkpointer.end();
  }
  const { before, end, modelCalls, failures, firstError } = measured;
  if (failures > 0)
    process.stderr.write(`[peers] langgraph: ${failures} runs failed: ${String(firstError)}\n`);
  const written = await input.meter.since(before, end, langgraphTables, input.conversations);
  return { answers, failures, modelSteps: modelCalls, ...rates(answers, modelCalls, written), written };
}
