import { DeliverPolicy, type JetStreamClient, type StreamInfo } from '@nats-io/jetstream';
import type { Envelope } from '../../core/envelope.ts';
import { partitionSubject, streamName } from './names.ts';
import { toEnvelope } from './record-codec.ts';

/**
 * Records of one partition from `fromSeq` up to the stream's last sequence at
 * the time of the call, through an ordered (ack-less, self-healing) consumer
 * that is deleted afterwards. Stops at the stream's last sequence or when the
 * consumer reports nothing pending, so it ends even while others append.
 */
export async function* readPartition(
  js: JetStreamClient,
  stream: StreamInfo,
  subject: string,
  partition: number,
  fromSeq: number,
): AsyncGenerator<Envelope<Uint8Array>> {
  const last = stream.state.last_seq;
  if (stream.state.messages === 0 || fromSeq > last) return;
  const consumer = await js.consumers.get(streamName(subject), {
    filter_subjects: partitionSubject(subject, partition),
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, fromSeq),
  });
  try {
    const created = await consumer.info(true);
    if (created.num_pending === 0) return;
    const messages = await consumer.consume({ max_messages: 1_000 });
    try {
      for await (const msg of messages) {
        if (msg.seq > last) break;
        yield toEnvelope(subject, partition, msg);
        if (msg.seq >= last || msg.info.pending === 0) break;
      }
    } finally {
      messages.stop();
    }
  } finally {
    await consumer.delete().catch(() => {});
  }
}

/**
 * How many records of a partition come after `afterSeq`. Its sequences are
 * the stream's, shared by every partition of the topic, so the count comes
 * from an ephemeral consumer filtered to the partition (its `num_pending`).
 */
export async function pendingInPartition(
  js: JetStreamClient,
  stream: StreamInfo,
  subject: string,
  partition: number,
  afterSeq: number,
): Promise<number> {
  if (stream.state.messages === 0 || afterSeq >= stream.state.last_seq) return 0;
  const consumer = await js.consumers.get(streamName(subject), {
    filter_subjects: partitionSubject(subject, partition),
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: afterSeq + 1,
  });
  try {
    return (await consumer.info(true)).num_pending;
  } finally {
    await consumer.delete().catch(() => {});
  }
}
