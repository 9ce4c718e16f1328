// What bench/scale.ts and bench/recovery.ts share: worker processes (bench/scale-worker.ts)
// and a poll of the committed watermarks in PostgreSQL.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type pg from 'pg';

export interface WorkerResult {
  readonly peakHeapMiB: number;
  readonly peakRssMiB: number;
  readonly cpuMs: number;
}

export interface Worker {
  /** Resolves once the worker's pipeline started (its partitions claimed). */
  readonly ready: Promise<void>;
  /** SIGTERM: it drains and says what it used. */
  stop(): Promise<WorkerResult>;
  /** SIGKILL: a crash; nothing more is committed. */
  kill(): Promise<void>;
}

export interface WorkerOptions {
  readonly natsUrl: string;
  readonly databaseUrl: string;
  readonly stage: string;
  readonly input: string;
  readonly owner: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts one bench/scale-worker.ts process. */
export function startWorker(o: WorkerOptions): Worker {
  const child = spawn(process.execPath, ['bench/scale-worker.ts'], {
    env: {
      ...process.env,
      ...o.env,
      SCALE_NATS: o.natsUrl,
      SCALE_DB: o.databaseUrl,
      SCALE_NAME: o.stage,
      SCALE_INPUT: o.input,
      SCALE_OWNER: o.owner,
    },
    // Its stdin ends when this process dies: a worker never outlives its bench.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let resolveReady: () => void = () => {};
  let resolveResult: (r: WorkerResult) => void = () => {};
  const ready = new Promise<void>((r) => {
    resolveReady = r;
  });
  const result = new Promise<WorkerResult>((r) => {
    resolveResult = r;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    const parsed = JSON.parse(line) as { ready?: boolean } & Partial<WorkerResult>;
    if (parsed.ready) resolveReady();
    else resolveResult(parsed as WorkerResult);
  });
  return {
    ready,
    stop: () => {
      child.kill('SIGTERM');
      return result;
    },
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** The committed watermark of each partition of `stage`. */
export async function committed(db: pg.Client, stage: string): Promise<Map<number, number>> {
  const { rows } = await db.query<{ partition: number; watermark: string }>(
    'SELECT partition, watermark FROM eddy_partitions WHERE stage = $1',
    [stage],
  );
  return new Map(rows.map((r) => [r.partition, Number(r.watermark)]));
}

/** Resolves once every partition of `stage` committed up to `last` (polling every `everyMs`). */
export async function committedTo(
  db: pg.Client,
  stage: string,
  last: ReadonlyMap<number, number>,
  o: { readonly everyMs?: number; readonly timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (o.timeoutMs ?? 900_000);
  for (;;) {
    const at = await committed(db, stage);
    if ([...last].every(([p, seq]) => (at.get(p) ?? 0) >= seq)) return;
    if (Date.now() > deadline) throw new Error(`bench: ${stage} did not finish: ${JSON.stringify([...at])}`);
    await new Promise((r) => setTimeout(r, o.everyMs ?? 50));
  }
}
