import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, inject } from 'vitest';
import { JetStreamLog, streamName } from '../../connectors/jetstream/index.ts';
import type { Log, TopicConfig } from '../../core/log/log.ts';
import { logConformance } from './log.ts';

const natsUrl = inject('natsUrl');
let admin: NatsConnection;

beforeAll(async () => {
  admin = await connect({ servers: natsUrl });
});

afterAll(async () => {
  await admin.close();
});

logConformance(
  'jetstream',
  async () => {
    const log = await JetStreamLog.connect({ servers: natsUrl }, { storage: 'memory', recoveryDelayMs: 100 });
    // Each test's streams are deleted with it, so a run leaves the shared server as it found it.
    const subjects = new Set<string>();
    const tracked: Log = {
      ensureTopic: async (config: TopicConfig) => {
        subjects.add(config.subject);
        await log.ensureTopic(config);
      },
      partitions: (subject) => log.partitions(subject),
      append: (subject, record) => log.append(subject, record),
      check: (subject, record) => log.check(subject, record),
      read: (subject, partition, fromSeq) => log.read(subject, partition, fromSeq),
      pending: (subject, partition, afterSeq) => log.pending(subject, partition, afterSeq),
      consume: (subject, partition, options) => log.consume(subject, partition, options),
      close: () => log.close(),
    };
    return {
      log: tracked,
      close: async () => {
        await log.close();
        const jsm = await jetstreamManager(admin);
        for (const subject of subjects) {
          await jsm.streams.delete(streamName(subject)).catch(() => {});
        }
      },
    };
  },
  { duplicateWindowMs: 1_500, ackWaitMs: 300 },
);
