import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatModel } from '../../../agents/models/index.ts';
import { reactAgent } from '../../../agents/react/react-agent.ts';
import { reactInputSchema } from '../../../agents/react/react-io.ts';
import { connectMcp } from '../../../agents/tools/mcp/connect-mcp.ts';
import type { McpToolSource } from '../../../agents/tools/mcp/mcp-tool-source.ts';
import { tool } from '../../../agents/tools/typed-tool.ts';
import { MemoryLog } from '../../../core/log/memory-log.ts';
import { Stage } from '../../../core/stage/stage.ts';
import { MemoryStore } from '../../../core/store/memory-store.ts';
import { waitUntil } from '../../services/wait-until.ts';
import { EVERYTHING_SERVER } from '../tools/support/mcp-servers.ts';
import {
  anthropicMessage,
  openaiCompletion,
  startAnthropicServer,
  startOpenAIServer,
  type WireServer,
} from '../wire/index.ts';

// A ReAct agent in a Stage, end to end: the real SDK client of each provider against a loopback
// server speaking its wire protocol, a typed tool, and a tool of the MCP reference server over stdio.
const encoder = new TextEncoder();
const decoder = new TextDecoder();

let mcp: McpToolSource;
beforeAll(async () => {
  mcp = await connectMcp({
    name: 'everything',
    transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] },
    allow: ['echo'],
    prefix: 'mcp_',
  });
});
afterAll(() => mcp?.close());

const add = tool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => a + b,
});

async function runAgent(provider: 'anthropic' | 'openai', server: WireServer) {
  const model = chatModel({
    provider,
    model: `${provider}-wire`,
    baseURL: server.baseURL,
    apiKey: 'sk-wire-test',
  });
  const agent = reactAgent({
    name: `wire-${provider}`,
    model,
    tools: [add, mcp],
    system: 'Use the tools.',
    output: z.object({ sum: z.number(), echoed: z.string() }),
  });
  const log = new MemoryLog();
  await log.ensureTopic({ subject: 'q', partitions: 1 });
  const stage = new Stage({
    name: `wire-${provider}`,
    log,
    store: new MemoryStore(),
    input: 'q',
    output: 'a',
    actor: agent,
    schema: reactInputSchema,
    partitions: [0],
    commitIntervalMs: 1,
  });
  await stage.start();
  await log.append('q', {
    key: 'u1',
    payload: encoder.encode(
      JSON.stringify({ type: 'ask', question: 'Add 2 and 3, and echo hi', runId: 'r1' }),
    ),
    msgId: 'q1',
  });
  const outputs: unknown[] = [];
  const failure = await waitUntil(
    async () => {
      outputs.length = 0;
      for await (const env of log.read('a', 0, 1)) outputs.push(JSON.parse(decoder.decode(env.payload)));
      return outputs.length > 0;
    },
    { timeoutMs: 15_000, intervalMs: 10 },
  );
  await stage.stop();
  if (failure !== undefined) throw new Error(`no answer: ${failure}`);
  return outputs;
}

describe('ReAct agent over the providers’ wire protocols, with typed and MCP tools', () => {
  it('Anthropic Messages', async () => {
    const server = await startAnthropicServer();
    try {
      server.reply(
        anthropicMessage({
          toolUses: [
            { id: 'toolu_1', name: 'add', input: { a: 2, b: 3 } },
            { id: 'toolu_2', name: 'mcp_echo', input: { message: 'hi' } },
          ],
        }),
      );
      server.reply(anthropicMessage({ text: '```json\n{"sum":5,"echoed":"hi"}\n```' }));
      const outputs = await runAgent('anthropic', server);
      expect(outputs).toEqual([
        expect.objectContaining({ type: 'answer', runId: 'r1', answer: { sum: 5, echoed: 'hi' }, steps: 2 }),
      ]);
      const [first, second] = server.requests.map(
        (r) => r.body as { tools: { name: string }[]; messages: { role: string; content: unknown }[] },
      );
      if (!first || !second) throw new Error('expected two requests');
      expect(first.tools.map((t) => t.name).sort()).toEqual(['add', 'mcp_echo']);
      // The tool results went back in one user turn, by tool_use id.
      const last = second.messages.at(-1);
      expect(last?.role).toBe('user');
      const results = last?.content as { type: string; tool_use_id: string; content: unknown }[];
      expect(results.map((r) => [r.type, r.tool_use_id])).toEqual([
        ['tool_result', 'toolu_1'],
        ['tool_result', 'toolu_2'],
      ]);
      expect(JSON.stringify(results[0]?.content)).toContain('5');
      expect(JSON.stringify(results[1]?.content)).toContain('Echo: hi');
    } finally {
      await server.close();
    }
  });

  it('OpenAI Chat Completions', async () => {
    const server = await startOpenAIServer();
    try {
      server.reply(
        openaiCompletion({
          content: null,
          toolCalls: [
            { id: 'call_1', name: 'add', arguments: '{"a":2,"b":3}' },
            { id: 'call_2', name: 'mcp_echo', arguments: '{"message":"hi"}' },
          ],
        }),
      );
      server.reply(openaiCompletion({ content: '{"sum":5,"echoed":"hi"}' }));
      const outputs = await runAgent('openai', server);
      expect(outputs).toEqual([
        expect.objectContaining({ type: 'answer', runId: 'r1', answer: { sum: 5, echoed: 'hi' }, steps: 2 }),
      ]);
      const second = server.requests[1]?.body as {
        messages: { role: string; tool_call_id?: string; content: string }[];
      };
      const tools = second.messages.filter((m) => m.role === 'tool');
      expect(tools.map((m) => m.tool_call_id)).toEqual(['call_1', 'call_2']);
      expect(tools[0]?.content).toContain('5');
      expect(tools[1]?.content).toContain('Echo: hi');
    } finally {
      await server.close();
    }
  });
});
