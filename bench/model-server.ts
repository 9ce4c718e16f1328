// A loopback model for benches, in a process of its own (so the CPU a bench reports is
// eddy's, not the server's): the OpenAI chat completions protocol (test/agents/wire),
// every answer `{"answer":"ok"}` after MODEL_LATENCY_MS. Prints its base URL, then
// serves until stdin closes.
import { openaiCompletion, startOpenAIServer } from '../test/agents/wire/index.ts';

const latency = Number(process.env.MODEL_LATENCY_MS ?? 300);
const server = await startOpenAIServer(
  () => ({ ...openaiCompletion({ content: JSON.stringify({ answer: 'ok' }) }), delayMs: latency }),
  { record: false },
);
process.stdout.write(`${JSON.stringify({ baseURL: server.baseURL })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void server.close().then(() => process.exit(0)));
