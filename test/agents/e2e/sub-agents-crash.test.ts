import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatModel } from '../../../agents/models/index.ts';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import { reactInputSchema } from '../../../agents/react/react-io.ts';
import { agentTool } from '../../../agents/tools/agent-tool.ts';
import { tool } from '../../../agents/tools/typed-tool.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { from } from '../../../core/pipeline/flow.ts';
import { pipeline } from '../../../core/pipeline/pipeline.ts';
import { actor, to } from '../../../core/pipeline/steps.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import { crash } from '../../../core/testing/crash.ts';
import { waitUntil } from '../../services/wait-until.ts';
import {
  bodyOf,
  openaiCompletion,
  startOpenAIServer,
  type WireReply,
  type WireRequest,
  type WireServer,
} from '../wire/index.ts';

/** Which agent asks, and which of its model calls this is (1 + the assistant turns so far). */
function whoAsks(request: WireRequest): { agent: string; step: number } {
  const messages = bodyOf(request).messages as { role: string; content: string | null }[];
  const system = messages[0]?.content ?? '';
  const agent = system.startsWith('You research')
    ? 'research'
    : system.startsWith('You critique')
      ? 'critique'
      : 'lead';
  return { agent, step: 1 + messages.filter((m) => m.role === 'assistant').length };
}

describe('agents as tools of an agent: journaled inside the caller, resumed inside after a crash', () => {
  let wire: WireServer;
  let hangCritic = true;
  let lookups = 0;
  const asked: string[] = [];

  beforeAll(async () => {
    wire = await startOpenAIServer((request): WireReply => {
      const { agent, step } = whoAsks(request);
      asked.push(`${agent}${step}`);
      if (agent === 'lead' && step === 1)
        return openaiCompletion({
          toolCalls: [
            { id: 'call_r', name: 'research', arguments: JSON.stringify({ topic: 'eddy' }) },
            { id: 'call_c', name: 'critique', arguments: JSON.stringify({ draft: 'eddy is fast' }) },
          ],
        });
      if (agent === 'lead')
        return openaiCompletion({ content: JSON.stringify({ reply: 'checked and researched' }) });
      if (agent === 'research' && step === 1)
        return openaiCompletion({
          toolCalls: [{ id: 'call_l', name: 'lookup', arguments: JSON.stringify({ q: 'eddy' }) }],
        });
      if (agent === 'research')
        return openaiCompletion({ content: JSON.stringify({ facts: ['exactly once'] }) });
      // The critic's first answer does not fit: its second call (the repair) hangs in the first run.
      if (step === 1) return openaiCompletion({ content: 'Looks fine to me!' });
      if (hangCritic) return { kind: 'hang' };
      return openaiCompletion({ content: JSON.stringify({ verdict: 'fine' }) });
    });
  });
  afterAll(() => wire.close());

  it('never asks a sub-agent again what it answered before the crash', async () => {
    const model = chatModel({
      provider: 'openai',
      model: 'wire',
      baseURL: wire.baseURL,
      apiKey: 'sk-test',
      retries: 0,
      timeoutMs: 60_000,
    });
    const lookup = tool({
      name: 'lookup',
      description: 'Looks a topic up',
      input: z.object({ q: z.string() }),
      run: ({ q }) => {
        lookups++;
        return { q, hits: 3 };
      },
    });
    const research = agentTool({
      name: 'research',
      description: 'Researches a topic',
      input: z.object({ topic: z.string() }),
      output: z.object({ facts: z.array(z.string()) }),
      model,
      system: 'You research topics.',
      tools: [lookup],
    });
    const critique = agentTool({
      name: 'critique',
      description: 'Critiques a draft',
      input: z.object({ draft: z.string() }),
      output: z.object({ verdict: z.string() }),
      model,
      system: 'You critique drafts.',
    });
    const lead = reactAgent({
      name: 'lead',
      model,
      tools: [research, critique],
      system: 'You lead a team.',
      output: z.object({ reply: z.string() }),
    });
    const log = new MemoryLog();
    const store = new MemoryStore();
    await log.ensureTopic({ subject: 'lead.in', partitions: 1 });
    const start = async () => {
      const p = pipeline(
        { name: 'lead', log, store, partitions: [0], commitIntervalMs: 1 },
        from('lead.in', reactInputSchema).pipe(actor(lead), to('lead.out')),
      );
      await p.start();
      return p;
    };
    const first = await start();
    await log.append('lead.in', {
      key: 'case-1',
      msgId: 'q1',
      payload: new TextEncoder().encode(
        JSON.stringify({ type: 'ask', question: 'Research and critique eddy' }),
      ),
    });
    // Both sub-agents ran in parallel: the researcher finished, the critic's second call hangs.
    expect(
      await waitUntil(async () => asked.includes('research2') && asked.includes('critique2'), {
        timeoutMs: 20_000,
      }),
    ).toBeUndefined();
    crash(first);

    hangCritic = false;
    const second = await start();
    const answer = await firstValueFrom(
      second.pipe(filter((c) => (c.value as { type: string }).type === 'answer')),
    );
    expect((answer.value as { answer: unknown }).answer).toEqual({ reply: 'checked and researched' });
    await second.stop();

    const count = (name: string) => asked.filter((a) => a === name).length;
    expect({
      lead1: count('lead1'),
      research1: count('research1'),
      research2: count('research2'),
      critique1: count('critique1'),
      critique2: count('critique2'),
      lead2: count('lead2'),
    }).toEqual({ lead1: 1, research1: 1, research2: 1, critique1: 1, critique2: 2, lead2: 1 });
    expect(lookups).toBe(1);
  }, 60_000);
});
