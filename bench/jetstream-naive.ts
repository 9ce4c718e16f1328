import { type JsMsg, jetstream } from '@nats-io/jetstream';
import pg from 'pg';
import { HandState, outputMessage } from './jetstream-hand-rows.ts';
import { AckPolicy, addConsumer, type HandRun, handSetup } from './jetstream-hand-setup.ts';
import { NAIVE_SQL as SQL } from './jetstream-hand-sql.ts';

/**
 * `single`: one loop takes every partition's inputs, one at a time (the naive
 * loop); `per-partition`: one such loop per partition, each on its own
 * connection, running concurrently.
 */
export type NaiveMode = 'single' | 'per-partition';

interface Input {
  readonly partition: number;
  readonly msg: JsMsg;
}

/**
 * Case (c), the naive loop: for each input one transaction (journal, snapshot
 * when due, outbox, key progress, watermark, and the previous input's outbox
 * row, now published), then publish and wait for the PubAck, then ackAck.
 */
export async function naive(run: HandRun, mode: NaiveMode) {
  const { nc, jsm, epochs } = await handSetup(run);
  const pool = new pg.Pool({ connectionString: run.databaseUrl, max: run.partitions });
  const js = jetstream(nc);
  const output = `${run.name}.out`;
  const total = [...run.expected.values()].reduce((a, b) => a + b, 0);
  const started = performance.now();
  const partitions = [...run.expected].filter(([, n]) => n > 0).map(([p]) => p);

  // Every partition's inputs in arrival order, each partition's in log order.
  const open = async (partition: number, onInput: (input: Input) => void) => {
    const { stream, name } = await addConsumer(jsm, run, partition, AckPolicy.Explicit, 100);
    return (await js.consumers.get(stream, name)).consume({
      max_messages: 100,
      callback: (msg) => onInput({ partition, msg }),
    });
  };

  const loop = async (queue: Input[], wait: () => Promise<void>, count: number): Promise<void> => {
    const client = await pool.connect();
    const states = new Map<number, HandState>();
    const previous = new Map<number, string>();
    for (let done = 0; done < count; done++) {
      while (queue.length === 0) await wait();
      const { partition, msg } = queue.shift() as Input;
      let state = states.get(partition);
      if (state === undefined) {
        state = new HandState(run.name, partition);
        states.set(partition, state);
      }
      const row = state.apply(msg);
      await client.query('BEGIN');
      await client.query(SQL.journal, [run.name, row.key, row.version, row.seq, row.eventTime]);
      if (row.snapshot !== undefined) {
        await client.query(SQL.prune, [run.name, row.key, row.version]);
        await client.query(SQL.snapshot, [run.name, row.key, row.version, row.snapshot]);
      }
      await client.query(SQL.outbox, [
        run.name,
        partition,
        row.msgId,
        output,
        row.key,
        row.payload,
        row.eventTime,
        row.position,
      ]);
      const published = previous.get(partition);
      if (published !== undefined) await client.query(SQL.published, [run.name, partition, published]);
      await client.query(SQL.progress, [run.name, partition, row.key, row.seq]);
      const fenced = await client.query(SQL.watermark, [run.name, partition, row.seq, epochs.get(partition)]);
      if (fenced.rowCount !== 1) throw new Error(`bench: partition ${partition} fenced`);
      await client.query('COMMIT');
      const out = outputMessage(row, output, run.partitions);
      await js.publish(out.subject, out.payload, { headers: out.headers });
      await msg.ackAck();
      previous.set(partition, row.msgId);
    }
    for (const [partition, msgId] of previous)
      await client.query(SQL.published, [run.name, partition, msgId]);
    client.release();
  };

  const queueFor = () => {
    const queue: Input[] = [];
    let wake: (() => void) | undefined;
    return {
      queue,
      push: (input: Input) => {
        queue.push(input);
        wake?.();
      },
      wait: () =>
        new Promise<void>((resolve) => {
          wake = resolve;
        }),
    };
  };

  const consumers = [];
  if (mode === 'single') {
    const q = queueFor();
    for (const p of partitions) consumers.push(await open(p, q.push));
    await loop(q.queue, q.wait, total);
  } else {
    await Promise.all(
      partitions.map(async (p) => {
        const q = queueFor();
        consumers.push(await open(p, q.push));
        await loop(q.queue, q.wait, run.expected.get(p) ?? 0);
      }),
    );
  }
  const seconds = (performance.now() - started) / 1000;
  for (const c of consumers) c.stop();
  await nc.drain();
  await pool.end();
  return {
    events: total,
    seconds: Number(seconds.toFixed(3)),
    eventsPerSec: Math.round(total / seconds),
    loop: mode === 'single' ? 'one loop for all partitions' : 'one loop per partition, concurrently',
  };
}
