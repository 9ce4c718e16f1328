// The loopback model of the benches, in a process of its own (so the CPU a bench reports is
// eddy's, not the server's): the OpenAI chat completions protocol (test/agents/wire), each
// answer after MODEL_LATENCY_MS. MODEL_SCRIPT says what it answers:
// - `answer` (default): `{"answer":"ok"}`, one turn per question;
// - `react`: a call of the tool `lookup_order` while the conversation has no tool result,
//   then the final answer — a one-tool ReAct run of two model steps.
// Prints `{"baseURL":…}`; answers a line `stats` on stdin with `{"toolCalls":n,"answers":n}`;
// stops when stdin ends. `startModelServer` (model-server-client.ts) runs it.
import { createInterface } from 'node:readline';
import { bodyOf, openaiCompletion, startOpenAIServer, type WireRequest } from '../test/agents/wire/index.ts';

const latency = Number(process.env.MODEL_LATENCY_MS ?? 300);
const react = process.env.MODEL_SCRIPT === 'react';
const turns = { toolCalls: 0, answers: 0 };

function lastRole(request: WireRequest): unknown {
  const messages = bodyOf(request).messages;
  const last: unknown = Array.isArray(messages) ? messages.at(-1) : undefined;
  return typeof last === 'object' && last !== null ? (last as { role?: unknown }).role : undefined;
}

const server = await startOpenAIServer(
  (request) => {
    if (react && lastRole(request) !== 'tool') {
      turns.toolCalls++;
      return {
        ...openaiCompletion({
          toolCalls: [{ name: 'lookup_order', arguments: '{"order":"A1"}' }],
          usage: { prompt: 50, completion: 12 },
        }),
        delayMs: latency,
      };
    }
    turns.answers++;
    const content = react ? 'Order A1 shipped on Monday.' : JSON.stringify({ answer: 'ok' });
    return { ...openaiCompletion({ content, usage: { prompt: 60, completion: 8 } }), delayMs: latency };
  },
  { record: false },
);
process.stdout.write(`${JSON.stringify({ baseURL: server.baseURL })}\n`);
createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() === 'stats') process.stdout.write(`${JSON.stringify(turns)}\n`);
  })
  .on('close', () => void server.close().then(() => process.exit(0)));
