import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { describe, expect, inject, it } from 'vitest';
import { JetStreamLog, streamName } from '../../connectors/jetstream/index.ts';
import { defineActor } from '../../core/actor/actor-definition.ts';
import type { Consumer, ConsumerOptions, Delivery, Log } from '../../core/log/log.ts';
import { MemoryLog } from '../../core/log/memory-log.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import { crash } from '../../core/testing/crash.ts';
import { waitUntil } from '../services/wait-until.ts';

const encoder = new TextEncoder();

async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const failure = await waitUntil(async () => probe(), { timeoutMs, intervalMs: 5 });
  if (failure !== undefined) throw new Error(`waiting for ${what}: ${failure}`);
}

/** A Log that records, for one subject, every delivery handed out, every `working()` and every ack. */
class RecordingLog implements Log {
  readonly handed: { seq: number; deliveryCount: number }[] = [];
  readonly signals = new Map<number, number>();
  readonly acked = new Set<number>();
  readonly #inner: Log;
  readonly #subject: string;

  constructor(inner: Log, subject: string) {
    this.#inner = inner;
    this.#subject = subject;
  }

  get totalSignals(): number {
    return [...this.signals.values()].reduce((a, b) => a + b, 0);
  }

  consume(subject: string, partition: number, options: ConsumerOptions): Consumer {
    const inner = this.#inner.consume(subject, partition, options);
    if (subject !== this.#subject) return inner;
    const { handed, signals, acked } = this;
    async function* deliveries(): AsyncGenerator<Delivery> {
      for await (const d of inner) {
        const seq = d.envelope.seq;
        handed.push({ seq, deliveryCount: d.deliveryCount });
        yield {
          envelope: d.envelope,
          deliveryCount: d.deliveryCount,
          working: () => {
            signals.set(seq, (signals.get(seq) ?? 0) + 1);
            d.working();
          },
          ack: async () => {
            await d.ack();
            acked.add(seq);
          },
        };
      }
    }
    const iterator = deliveries();
    return { [Symbol.asyncIterator]: () => iterator, close: () => inner.close() };
  }

  ensureTopic: Log['ensureTopic'] = (config) => this.#inner.ensureTopic(config);
  partitions: Log['partitions'] = (subject) => this.#inner.partitions(subject);
  append: Log['append'] = (subject, record) => this.#inner.append(subject, record);
  check: Log['check'] = (subject, record) => this.#inner.check(subject, record);
  read: Log['read'] = (subject, partition, fromSeq) => this.#inner.read(subject, partition, fromSeq);
  pending: Log['pending'] = (subject, partition, afterSeq) =>
    this.#inner.pending(subject, partition, afterSeq);
  close: Log['close'] = () => this.#inner.close();
}

type Question = { readonly n: number; readonly slow: boolean };
type Answered = { readonly type: 'Answered'; readonly n: number; readonly answer: number };

/** Answers each question; a slow one waits on a step as long as an LLM call, far past the ack wait. */
function answering(stepMs: number) {
  return defineActor({
    name: 'answering',
    initial: (): { readonly answered: number } => ({ answered: 0 }),
    decide: async (_s, q: Question, ctx) => {
      const answer = q.slow
        ? await ctx.run('llm', () => sleep(stepMs).then(() => q.n * 10))
        : await ctx.run('lookup', () => q.n * 10);
      ctx.emit({ n: q.n, answer });
      return [{ type: 'Answered', n: q.n, answer }] satisfies Answered[];
    },
    evolve: (s, _e: Answered) => ({ answered: s.answered + 1 }),
  });
}

const uniqueName = (): string => `answers-${randomUUID().slice(0, 8)}`;

async function setUp(inner: Log, ackWaitMs: number, stepMs: number, name = uniqueName()) {
  const input = `${name}.in`;
  const log = new RecordingLog(inner, input);
  const store = new MemoryStore();
  await log.ensureTopic({ subject: input, partitions: 1 });
  const stage = new Stage({
    name,
    log,
    store,
    input,
    output: `${name}.out`,
    actor: answering(stepMs),
    ackWaitMs,
    commitEvery: 1,
    commitIntervalMs: 1,
  });
  const ask = async (q: Question): Promise<number> =>
    (
      await log.append(input, {
        key: `k${q.n}`,
        payload: encoder.encode(JSON.stringify(q)),
        msgId: `q${q.n}`,
      })
    ).seq;
  return { name, log, store, stage, ask };
}

/**
 * A slow step holds its input far longer than the ack wait: the runtime tells
 * the log it is still working on it, so the log does not hand it out again,
 * and it stops once the input is acknowledged.
 */
async function slowStepIsNotRedelivered(inner: Log, ackWaitMs: number, stageName?: string): Promise<void> {
  const stepMs = ackWaitMs * 4;
  const { name, log, store, stage, ask } = await setUp(inner, ackWaitMs, stepMs, stageName);
  await stage.start();
  const slow = await ask({ n: 1, slow: true });
  const fast = await ask({ n: 2, slow: false });
  await until('both inputs committed', () => stage.watermarks().get(0) === fast);
  await until('both inputs acknowledged', () => log.acked.has(slow) && log.acked.has(fast));
  await until('outputs published', async () => (await store.outbox(name, 0)).length === 0);

  expect(log.handed).toEqual([
    { seq: slow, deliveryCount: 1 },
    { seq: fast, deliveryCount: 1 },
  ]);
  expect(log.signals.get(slow)).toBeGreaterThan(0);
  // Acknowledged: no more signals, though the runtime runs on.
  const signalled = log.totalSignals;
  await sleep(ackWaitMs * 2);
  expect(log.totalSignals).toBe(signalled);
  expect(log.handed).toHaveLength(2);

  await stage.stop();
  const outputs: string[] = [];
  for await (const env of log.read(`${name}.out`, 0, 1)) outputs.push(env.id);
  expect(outputs).toHaveLength(2);
}

describe('in-progress signals for held deliveries', () => {
  it('a step slower than the ack wait causes no redelivery (memory log)', async () => {
    const log = new MemoryLog();
    await slowStepIsNotRedelivered(log, 200);
    await log.close();
  });

  it('stops signalling when the runtime stops', async () => {
    const inner = new MemoryLog();
    const ackWaitMs = 200;
    const { stage, ask, log } = await setUp(inner, ackWaitMs, ackWaitMs * 20);
    await stage.start();
    const slow = await ask({ n: 1, slow: true });
    await until('the slow input signalled', () => (log.signals.get(slow) ?? 0) > 0);
    crash(stage);
    const signalled = log.totalSignals;
    await sleep(ackWaitMs * 2);
    expect(log.totalSignals).toBe(signalled);
    await inner.close();
  });

  it('a step slower than the ack wait causes no redelivery (JetStream)', async () => {
    const natsUrl = inject('natsUrl');
    const log = await JetStreamLog.connect({ servers: natsUrl }, { storage: 'memory' });
    const name = uniqueName();
    try {
      await slowStepIsNotRedelivered(log, 600, name);
    } finally {
      await log.close();
      // Leave the shared server as it was.
      const admin = await connect({ servers: natsUrl });
      const jsm = await jetstreamManager(admin);
      for (const subject of [`${name}.in`, `${name}.out`, `${name}.dead-letter`]) {
        await jsm.streams.delete(streamName(subject)).catch(() => {});
      }
      await admin.close();
    }
  }, 30_000);
});
