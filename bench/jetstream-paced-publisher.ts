// Worker thread: publishes inputs at a fixed rate on its own event loop and NATS
// connection, so a busy stage delays the outputs, never the publish clock.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { JetStreamLog } from 'eddy/connectors';
import { inputPayload, nowMs } from './jetstream-inputs.ts';

export interface PacedPublish {
  readonly natsUrl: string;
  readonly subject: string;
  /** Records per second. */
  readonly rate: number;
  readonly seconds: number;
  readonly keys: number;
}

export interface PacedResult {
  readonly sent: number;
  readonly seconds: number;
  /** Largest lag of the publish clock behind the schedule, ms: the pacing held if small. */
  readonly maxLagMs: number;
}

const TICK_MS = 2;

/** Runs the paced publisher in a worker and resolves when every record has its PubAck. */
export function publishPaced(job: PacedPublish): Promise<PacedResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: job });
    worker.once('message', (result: PacedResult) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`paced publisher exited with ${code}`));
    });
  });
}

async function run(job: PacedPublish): Promise<PacedResult> {
  const log = await JetStreamLog.connect({ servers: job.natsUrl });
  await log.partitions(job.subject);
  const total = Math.round(job.rate * job.seconds);
  const pending: Promise<unknown>[] = [];
  const started = nowMs();
  let sent = 0;
  let maxLagMs = 0;
  await new Promise<void>((done) => {
    const tick = setInterval(() => {
      const now = nowMs();
      const due = Math.min(total, Math.floor(((now - started) * job.rate) / 1000));
      if (due > sent + 1) maxLagMs = Math.max(maxLagMs, now - started - (sent * 1000) / job.rate);
      for (; sent < due; sent++) {
        const t = nowMs();
        pending.push(
          log.append(job.subject, {
            key: `k${sent % job.keys}`,
            payload: inputPayload(sent, t),
            msgId: `${job.subject}:${sent}`,
          }),
        );
      }
      if (sent >= total) {
        clearInterval(tick);
        done();
      }
    }, TICK_MS);
  });
  await Promise.all(pending);
  const seconds = (nowMs() - started) / 1000;
  await log.close();
  return { sent, seconds, maxLagMs };
}

if (parentPort !== null && workerData !== null) {
  const port = parentPort;
  run(workerData as PacedPublish).then(
    (result) => port.postMessage(result),
    (error: unknown) => {
      throw error;
    },
  );
}
