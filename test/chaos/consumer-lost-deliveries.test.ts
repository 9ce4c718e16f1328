import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { JetStreamLog } from '../../connectors/jetstream/jetstream-log.ts';
import { type Defect, withDefects } from '../../core/defects.ts';
import type { Delivery } from '../../core/log/log.ts';
import { NatsProxy } from '../services/nats-proxy.ts';

// Deliveries lost on the way to the client come back only after the ack wait, behind newer
// records, which a stage would apply first and then skip the old ones as applied: lost inputs.
// The durable consumer has two guards, each tested alone here through a proxy that loses
// deliveries: a jump in the consumer sequence (a delivery lost while the connection stays up),
// and a dropped connection (the last deliveries lost with it, so no later one shows a jump).
const natsUrl = inject('natsUrl');
const ACK_WAIT_MS = 120_000;
const DEADLINE_MS = 15_000;

let direct: JetStreamLog;
beforeAll(async () => {
  direct = await JetStreamLog.connect({ servers: natsUrl }, { storage: 'memory' });
});
afterAll(() => direct?.close());

interface Outcome {
  /** Record numbers (1..n) in the order each was first handed out. */
  readonly order: readonly number[];
  /** Deliveries the proxy lost: the fault did happen. */
  readonly lost: number;
}

/**
 * Consumes `records` records through a proxy that `fault` sets up to lose
 * deliveries, and says in what order the records were first handed out.
 */
async function firstSeen(
  label: string,
  records: number,
  fault: (proxy: NatsProxy) => void,
): Promise<Outcome> {
  const proxy = await NatsProxy.start(natsUrl);
  fault(proxy);
  const subject = `lost-${label}-${Date.now().toString(36)}`;
  await direct.ensureTopic({ subject, partitions: 1 });
  const payload = new Uint8Array(200).fill(7);
  const seqs = await Promise.all(
    Array.from({ length: records }, (_, i) => direct.append(subject, { key: 'k', payload, msgId: `m${i}` })),
  );
  const log = await JetStreamLog.connect(
    { servers: proxy.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 },
    { recoveryDelayMs: 100 },
  );
  const consumer = log.consume(subject, 0, {
    durable: 'guarded',
    fromSeq: 1,
    ackWaitMs: ACK_WAIT_MS,
    maxAckPending: 2_000,
  });
  const order: number[] = [];
  const seen = new Set<number>();
  const unacked: Delivery[] = [];
  const deadline = setTimeout(() => void consumer.close(), DEADLINE_MS);
  try {
    for await (const delivery of consumer) {
      const { seq } = delivery.envelope;
      unacked.push(delivery);
      if (unacked.length >= 20) void Promise.all(unacked.splice(0).map((d) => d.ack())).catch(() => {});
      if (seen.has(seq)) continue;
      seen.add(seq);
      order.push(seq);
      if (seen.size === records) break;
    }
  } finally {
    clearTimeout(deadline);
    await consumer.close();
    await log.close();
    await proxy.close();
  }
  return { order: order.map((seq) => seqs.findIndex((a) => a.seq === seq) + 1), lost: proxy.lost };
}

const inOrder = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** The 51st delivery lost in transit while the connection stays up. */
const oneLost = (label: string) => firstSeen(label, 300, (proxy) => proxy.drop(51));

/** Deliveries 11 to 100, the last ones, lost with the connection: nothing later reveals them. */
const tailLost = (label: string) =>
  firstSeen(label, 100, (proxy) => {
    proxy.swallowFrom(11);
    const poll = setInterval(() => {
      if (proxy.lost < 90) return;
      clearInterval(poll);
      proxy.cut();
    }, 5);
  });

const broken = (defect: Defect, scenario: () => Promise<Outcome>): Promise<Outcome> =>
  withDefects([defect], scenario);

describe('a durable JetStream consumer that loses deliveries in transit', () => {
  it('hands out every record in log order when one delivery is lost and the connection stays up', async () => {
    expect(await oneLost('gap')).toEqual({ order: inOrder(300), lost: 1 });
  }, 60_000);

  it('hands out every record in log order when the last deliveries are lost with the connection', async () => {
    expect(await tailLost('tail')).toEqual({ order: inOrder(100), lost: 90 });
  }, 60_000);

  it('has teeth: without the sequence-gap check, the lost delivery comes after newer ones, or never', async () => {
    const outcome = await broken('no-sequence-gap-check', () => oneLost('gap-broken'));
    expect(outcome.lost).toBe(1);
    expect(outcome.order).not.toEqual(inOrder(300));
  }, 60_000);

  it('has teeth: without the disconnect watcher, the lost tail waits for the ack wait', async () => {
    const outcome = await broken('no-disconnect-watcher', () => tailLost('tail-broken'));
    expect(outcome.lost).toBe(90);
    expect(outcome.order).not.toEqual(inOrder(100));
  }, 60_000);
});
