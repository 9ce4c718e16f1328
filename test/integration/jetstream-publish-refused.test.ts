import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { z } from 'zod';
import { JetStreamLog, streamName } from '../../connectors/jetstream/index.ts';
import { defineActor } from '../../core/actor/actor-definition.ts';
import type { DeadLetter } from '../../core/runtime/dead-letter.ts';
import { Stage } from '../../core/stage/stage.ts';
import { MemoryStore } from '../../core/store/memory-store.ts';
import { waitUntil } from '../services/wait-until.ts';
import { RecordingLogger } from '../support/recording-logger.ts';

// An output that passes the check before its commit (the server's max_payload) but that
// its stream refuses when published (a max_msg_size someone set on the stream): the
// committed row becomes a dead letter (phase "publish") instead of wedging the sink.
const natsUrl = inject('natsUrl');
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let admin: NatsConnection;
beforeAll(async () => {
  admin = await connect({ servers: natsUrl });
});
afterAll(() => admin?.close());

const echo = defineActor({
  name: 'echo',
  initial: () => ({ n: 0 }),
  decide: (_s: { n: number }, input: { size: number }, ctx) => {
    ctx.emit({ blob: 'b'.repeat(input.size) });
    return [{ type: 'Echoed' as const }];
  },
  evolve: (s: { n: number }) => ({ n: s.n + 1 }),
});

it('dead-letters a committed output its stream refuses, and the partition goes on', async () => {
  const run = `refused-${Date.now().toString(36)}`;
  const log = await JetStreamLog.connect({ servers: natsUrl }, { storage: 'memory' });
  const jsm = await jetstreamManager(admin);
  const store = new MemoryStore();
  const logger = new RecordingLogger();
  const registry = new Registry();
  try {
    await log.ensureTopic({ subject: `${run}.in`, partitions: 1 });
    await log.ensureTopic({ subject: `${run}.out`, partitions: 1 });
    const out = await jsm.streams.info(streamName(`${run}.out`));
    await jsm.streams.update(out.config.name, { ...out.config, max_msg_size: 10_000 });
    for (const [i, size] of [10, 50_000, 20].entries()) {
      await log.append(`${run}.in`, {
        key: 'k',
        payload: encoder.encode(JSON.stringify({ size })),
        msgId: `in-${i}`,
      });
    }
    const stage = new Stage({
      name: run,
      log,
      store,
      input: `${run}.in`,
      output: `${run}.out`,
      actor: echo,
      schema: z.object({ size: z.number() }),
      commitIntervalMs: 5,
      logger,
      metrics: registry,
    });
    await stage.start();
    const settled = await waitUntil(
      async () => stage.watermarks().get(0) === 3 && (await store.outbox(run, 0)).length === 0,
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    await stage.stop();
    expect(settled).toBeUndefined();
    expect(logger.at('error')).toEqual([]);
    const outputs = [];
    for await (const e of log.read(`${run}.out`, 0, 1)) outputs.push(JSON.parse(decoder.decode(e.payload)));
    expect(outputs.map((o: { blob: string }) => o.blob.length)).toEqual([10, 20]);
    const letters: DeadLetter[] = [];
    for await (const e of log.read(stage.deadLetterSubject, 0, 1))
      letters.push(JSON.parse(decoder.decode(e.payload)));
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      phase: 'publish',
      key: 'k',
      keyValid: true,
      source: null,
      output: { subject: `${run}.out`, key: 'k', msgId: `${run}:0:2:0` },
    });
    expect(letters[0]?.reason).toMatch(/max_msg_size/);
    expect(letters[0]?.output?.payloadBytes).toBeGreaterThan(50_000);
    expect(await registry.metrics()).toMatch(
      /eddy_stage_dead_letters_total\{stage="[^"]+",phase="publish"\} 1/,
    );
    expect(await registry.metrics()).toMatch(
      /eddy_stage_outputs_published_total\{stage="[^"]+",subject="[^"]+dead-letter"\} 1/,
    );
  } finally {
    await log.close();
    for await (const name of jsm.streams.names()) {
      if (name.startsWith(streamName(run))) await jsm.streams.delete(name).catch(() => {});
    }
  }
});
