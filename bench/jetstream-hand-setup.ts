import { AckPolicy, DeliverPolicy, type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { consumerName, JetStreamLog, PgStore, partitionSubject, streamName } from 'eddy/connectors';

export interface HandRun {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  /** Stage (and actor) name; the output subject is `<name>.out`. Unique per run. */
  readonly name: string;
  readonly input: string;
  readonly partitions: number;
  /** Inputs to process per partition. */
  readonly expected: ReadonlyMap<number, number>;
}

/**
 * What a hand-written loop sets up before its clock starts: the output topic
 * (as eddy creates it), one claim per partition (for the epoch the watermark
 * update checks), and a NATS connection with `noAsyncTraces`.
 */
export async function handSetup(run: HandRun): Promise<{
  nc: NatsConnection;
  jsm: JetStreamManager;
  epochs: Map<number, number>;
}> {
  const log = await JetStreamLog.connect({ servers: run.natsUrl });
  await log.ensureTopic({ subject: `${run.name}.out`, partitions: run.partitions });
  await log.close();
  const store = new PgStore({ url: run.databaseUrl });
  const epochs = new Map<number, number>();
  for (let p = 0; p < run.partitions; p++) epochs.set(p, (await store.claim(run.name, p, 'bench')).epoch);
  await store.close();
  const nc = await connect({ servers: run.natsUrl, noAsyncTraces: true });
  return { nc, jsm: await jetstreamManager(nc), epochs };
}

/** Creates the durable pull consumer of one input partition from its first record. */
export async function addConsumer(
  jsm: JetStreamManager,
  run: HandRun,
  partition: number,
  ackPolicy: AckPolicy,
  maxAckPending: number,
): Promise<{ stream: string; name: string }> {
  const stream = streamName(run.input);
  const name = consumerName(run.name, partition);
  await jsm.consumers.add(stream, {
    durable_name: name,
    filter_subject: partitionSubject(run.input, partition),
    ack_policy: ackPolicy,
    deliver_policy: DeliverPolicy.All,
    ack_wait: 30_000_000_000,
    max_ack_pending: maxAckPending,
  });
  return { stream, name };
}

export { AckPolicy };
