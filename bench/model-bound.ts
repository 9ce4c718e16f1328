// `node bench/model-bound.ts`: a stage whose agent waits on a model. A ReAct agent (no
// tools: one model call per question) on JetStream + PostgreSQL, against a loopback
// model in its own process answering after MODEL_LATENCY_MS (300). BENCH_CALLS
// questions over each of BENCH_KEYS keys (100,1000), published first, so every key has
// work queued; a key's questions run one after another (per-key order), so the bound is
// keys / latency. The ack wait is short (2 s, under a key's queueing time), so only the
// stage's in-progress signals keep queued inputs from being redelivered: the line counts
// redeliveries and checks every key's answers came in order.
import type { Flow } from 'eddy';
import { actor, from, pipeline, to } from 'eddy';
import { chatModel, reactAgent, reactInputSchema } from 'eddy/agents';
import { JetStreamLog, PgStore } from 'eddy/connectors';
import { z } from 'zod';
import { startTestServices } from '../test/services/test-services.ts';
import { ObservedLog } from './jetstream-observed-log.ts';
import { startModelServer } from './model-server-client.ts';
import { goalLine, printer, rounded } from './report/bench-line.ts';

const print = printer('model-bound');
const latencyMs = Number(process.env.MODEL_LATENCY_MS ?? 300);
const keyCounts = (process.env.BENCH_KEYS ?? '100,1000').split(',').map(Number);
const callsPerKey = Number(process.env.BENCH_CALLS_PER_KEY ?? 20);
const partitions = 4;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const services = await startTestServices();
const model = await startModelServer(latencyMs);
const setup = new PgStore({ url: services.databaseUrl });
await setup.migrate();
await setup.close();
try {
  for (const keys of keyCounts) await measure(keys);
} finally {
  await model.close();
  await services.stop();
}

async function measure(keys: number): Promise<void> {
  const name = `mb${keys}`;
  const calls = keys * callsPerKey;
  const base = await JetStreamLog.connect({ servers: services.natsUrl });
  await base.ensureTopic({ subject: `${name}.in`, partitions });
  const pending: Promise<unknown>[] = [];
  // Round by round: every key's first question, then every key's second, ...
  for (let n = 0; n < callsPerKey; n++)
    for (let k = 0; k < keys; k++)
      pending.push(
        base.append(`${name}.in`, {
          key: `k${k}`,
          msgId: `${name}:${k}:${n}`,
          payload: encoder.encode(JSON.stringify({ type: 'ask', question: `question ${n}`, runId: `${n}` })),
        }),
      );
  await Promise.all(pending);
  let redelivered = 0;
  let answers = 0;
  const log = new ObservedLog(
    base,
    () => {},
    (d) => {
      if (d.deliveryCount > 1) redelivered++;
    },
  );
  const store = new PgStore({ url: services.databaseUrl });
  const agent = reactAgent({
    name: `${name}.agent`,
    model: chatModel({
      provider: 'openai',
      model: 'wire',
      baseURL: model.baseURL,
      apiKey: 'sk-bench',
      retries: 0,
    }),
    output: z.object({ answer: z.string() }),
  });
  const running = pipeline(
    { name, log, store, ackWaitMs: 2_000 },
    (from(`${name}.in`, reactInputSchema) as Flow<z.infer<typeof reactInputSchema>>).pipe(
      actor(agent),
      to(`${name}.out`),
    ),
  );
  // The steady rate: from the 10th to the 90th percentile of the answers (start-up and the tail left out).
  let at10 = 0;
  let at90 = 0;
  running.subscribe(() => {
    answers++;
    if (answers === Math.ceil(calls * 0.1)) at10 = performance.now();
    if (answers === Math.floor(calls * 0.9)) at90 = performance.now();
  });
  const cpu = process.cpuUsage();
  const started = performance.now();
  await running.start();
  while (answers < calls) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await running.stop();
  const outOfOrder = await keysOutOfOrder(base, `${name}.out`);
  await store.close();
  await base.close();
  const perSec = calls / seconds;
  const steady = (Math.floor(calls * 0.9) - Math.ceil(calls * 0.1)) / ((at90 - at10) / 1000);
  const bound = keys / (latencyMs / 1000);
  print({
    case: `agent on a ${latencyMs} ms model, ${keys} keys, ${callsPerKey} questions each`,
    keys,
    calls,
    latencyMs,
    callsPerSec: Math.round(perSec),
    steadyCallsPerSec: Math.round(steady),
    boundPerSec: Math.round(bound),
    cpuMsPerCall: rounded((used.user + used.system) / 1000 / calls, 2),
    redelivered,
    keysOutOfOrder: outOfOrder,
  });
  print(
    goalLine(`ratio steady model calls/s / (keys / latency) at ${keys} keys`, rounded(steady / bound, 2), {
      op: '>=',
      value: 0.9,
    }),
  );
}

/** Keys whose answers on `subject` did not come in the order their questions were asked. */
async function keysOutOfOrder(log: JetStreamLog, subject: string): Promise<number> {
  const last = new Map<string, number>();
  const wrong = new Set<string>();
  for (let p = 0; p < (await log.partitions(subject)); p++)
    for await (const env of log.read(subject, p, 1)) {
      const out = JSON.parse(decoder.decode(env.payload)) as { type: string; runId?: string };
      if (out.type !== 'answer') continue;
      const n = Number(out.runId);
      if (n <= (last.get(env.key) ?? -1)) wrong.add(env.key);
      last.set(env.key, n);
    }
  return wrong.size;
}
