import { type JsMsg, jetstream } from '@nats-io/jetstream';
import pg from 'pg';
import { type HandRow, HandState, outputMessage } from './jetstream-hand-rows.ts';
import { AckPolicy, addConsumer, type HandRun, handSetup } from './jetstream-hand-setup.ts';
import { BATCH_SQL, batchParams } from './jetstream-hand-sql.ts';
import { checkPubAck, Mux } from './jetstream-mux.ts';

const ACK = new TextEncoder().encode('+ACK');

export interface CeilingOptions {
  /**
   * `batch`: AckPolicy.All and one ackAck for the batch's last input;
   * `each`: AckPolicy.Explicit and an ackAck per input.
   */
  readonly ack: 'batch' | 'each';
  readonly batch: number;
  readonly maxAckPending: number;
  /** Batches whose outputs may be publishing while the next one commits. */
  readonly publishDepth: number;
}

/**
 * Case (b), the ceiling: eddy's I/O by hand, per partition in a loop. Takes up
 * to `batch` buffered inputs, commits their rows in one statement (which also
 * deletes the outbox rows of batches already published), acknowledges them, and
 * publishes their outputs with msg ids while the next batch commits, as
 * eddy does (the outbox makes acking after the commit safe).
 */
export async function ceiling(run: HandRun, options: CeilingOptions) {
  const { nc, jsm, epochs } = await handSetup(run);
  const pool = new pg.Pool({ connectionString: run.databaseUrl, max: run.partitions });
  await Promise.all(Array.from({ length: run.partitions }, () => pool.query('SELECT 1')));
  const mux = new Mux(nc);
  const js = jetstream(nc);
  const output = `${run.name}.out`;
  const total = [...run.expected.values()].reduce((a, b) => a + b, 0);
  const started = performance.now();

  const partitionLoop = async (partition: number): Promise<void> => {
    const expected = run.expected.get(partition) ?? 0;
    const policy = options.ack === 'batch' ? AckPolicy.All : AckPolicy.Explicit;
    const { stream, name } = await addConsumer(jsm, run, partition, policy, options.maxAckPending);
    const buffered: JsMsg[] = [];
    let wake: (() => void) | undefined;
    const consumer = await js.consumers.get(stream, name);
    const messages = await consumer.consume({
      max_messages: Math.min(1_000, options.maxAckPending),
      callback: (msg) => {
        buffered.push(msg);
        wake?.();
      },
    });
    const state = new HandState(run.name, partition);
    const epoch = epochs.get(partition) ?? 0;
    const acks: Promise<unknown>[] = [];
    const inFlight = new Set<Promise<void>>();
    // Outputs published: their outbox rows go in the next commit.
    const published: string[] = [];
    let done = 0;
    while (done < expected) {
      if (buffered.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      const batch = buffered.splice(0, options.batch);
      const rows = batch.map((m) => state.apply(m));
      while (inFlight.size >= options.publishDepth) await Promise.race(inFlight);
      const result = await pool.query({
        name: 'bench_ceiling_commit',
        text: BATCH_SQL,
        values: batchParams(run.name, partition, epoch, output, rows, published.splice(0)),
      });
      if (result.rows[0]?.owned !== 1) throw new Error(`bench: partition ${partition} fenced`);
      const last = batch.at(-1);
      if (options.ack === 'batch' && last) acks.push(mux.request(replyOf(last), ACK));
      else for (const m of batch) acks.push(mux.request(replyOf(m), ACK));
      const publishing: Promise<void> = publish(rows).then((ids) => {
        published.push(...ids);
        inFlight.delete(publishing);
      });
      inFlight.add(publishing);
      done += batch.length;
    }
    await Promise.all(inFlight);
    await pool.query('DELETE FROM eddy_outbox WHERE stage = $1 AND partition = $2 AND msg_id = ANY($3)', [
      run.name,
      partition,
      published,
    ]);
    await Promise.all(acks);
    messages.stop();
  };

  const publish = async (rows: readonly HandRow[]): Promise<string[]> => {
    const replies = await Promise.all(
      rows.map((row) => {
        const m = outputMessage(row, output, run.partitions);
        return mux.request(m.subject, m.payload, m.headers);
      }),
    );
    for (const reply of replies) checkPubAck(reply);
    return rows.map((r) => r.msgId);
  };

  await Promise.all(Array.from({ length: run.partitions }, (_, p) => partitionLoop(p)));
  const seconds = (performance.now() - started) / 1000;
  mux.close();
  await nc.drain();
  await pool.end();
  return {
    events: total,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(total / seconds),
    ack: options.ack === 'batch' ? 'one ackAck per batch (AckPolicy.All)' : 'ackAck per input',
    batch: options.batch,
  };
}

function replyOf(msg: JsMsg): string {
  const reply = (msg as JsMsg & { reply?: string }).reply;
  if (typeof reply !== 'string' || reply === '')
    throw new Error('bench: a JetStream message without reply subject');
  return reply;
}
