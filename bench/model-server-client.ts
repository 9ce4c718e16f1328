import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ModelServer {
  /** What the OpenAI clients take as `baseURL` (ends in /v1). */
  readonly baseURL: string;
  readonly latencyMs: number;
  /** Turns answered so far: tool calls and final answers. */
  stats(): Promise<{ readonly toolCalls: number; readonly answers: number }>;
  close(): Promise<void>;
}

/** Starts bench/model-server.ts in a child process: `answer` or `react` turns after `latencyMs`. */
export async function startModelServer(
  latencyMs: number,
  script: 'answer' | 'react' = 'answer',
): Promise<ModelServer> {
  const child = spawn(process.execPath, ['bench/model-server.ts'], {
    env: { ...process.env, MODEL_LATENCY_MS: String(latencyMs), MODEL_SCRIPT: script },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const replies: ((line: string) => void)[] = [];
  const ready = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the model server exited (${code}) before it was ready`)));
    replies.push(resolve);
  });
  lines.on('line', (line) => replies.shift()?.(line));
  const { baseURL } = JSON.parse(await ready) as { baseURL: string };
  return {
    baseURL,
    latencyMs,
    stats: () =>
      new Promise((resolve) => {
        replies.push((line) => resolve(JSON.parse(line) as { toolCalls: number; answers: number }));
        child.stdin.write('stats\n');
      }),
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}
