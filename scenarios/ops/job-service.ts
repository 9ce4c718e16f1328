import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

/** Faults the service can be told to have. */
export const FAULTS = ['exception', 'checkpoint-timeout', 'backpressure', 'oom'] as const;
export type FaultKind = (typeof FAULTS)[number];

/** What the service reports when a job has trouble: the events the ops pipeline consumes. */
export type ExceptionEvent = {
  readonly incidentId: string;
  readonly job: string;
  readonly kind: FaultKind;
  readonly message: string;
  readonly at: number;
};

/** A job's health, as `GET /jobs/<id>/health` answers. */
export type JobHealth = {
  readonly job: string;
  readonly status: 'healthy' | 'degraded' | 'failing';
  readonly lastCheckpointMs: number;
  readonly backlog: number;
  readonly oomKills: number;
  readonly restarts: number;
  readonly config: { readonly [key: string]: number };
};

interface Job {
  fault: FaultKind | undefined;
  restarts: number;
  oomKills: number;
  config: Record<string, number>;
}

export interface JobServiceStats {
  readonly restarts: Readonly<Record<string, number>>;
  readonly configChanges: readonly { job: string; key: string; value: number }[];
  readonly repeatedKeys: number;
}

export interface JobService {
  readonly url: string;
  /** Gives a job a fault (once per incident id) and reports it as an exception event. */
  inject(incident: {
    readonly incidentId: string;
    readonly job: string;
    readonly kind: FaultKind;
  }): Promise<void>;
  stats(): JobServiceStats;
  close(): Promise<void>;
}

const MESSAGES: Readonly<Record<FaultKind, string>> = {
  exception:
    'java.lang.NullPointerException at OrderParser.parse(OrderParser.java:88) — record skipped, task retried',
  'checkpoint-timeout': 'Checkpoint 4182 expired before completing (timeout 60000 ms, state 41 GiB)',
  backpressure: 'Back pressure HIGH on operator Enrich (100% busy); source backlog growing',
  oom: 'java.lang.OutOfMemoryError: Java heap space — TaskManager killed, job restarting (crash loop)',
};

const Fault = z.object({ incidentId: z.string().min(1), job: z.string().min(1), kind: z.enum(FAULTS) });
const ConfigChange = z.object({
  key: z.enum(['checkpoint.timeout.ms', 'parallelism']),
  value: z.number().int().positive(),
});

/**
 * A stand-in for a stream-processing cluster's REST API: jobs with health,
 * faults injected on demand (an exception, checkpoints timing out, back
 * pressure, out-of-memory restarts), and the two remediations an operator
 * may run: restart a job, change a config value. Remediations need an
 * `Idempotency-Key` header and the service refuses a key it has seen (409),
 * as a payment API would: a remediation that is sent twice does not run
 * twice. Faults clear only with the right remediation.
 *
 * @example
 * ```ts
 * const service = await startJobService({ jobs: ['orders-etl'], emit: (e) => log.append(...) });
 * await service.inject({ incidentId: 'I-1', job: 'orders-etl', kind: 'oom' });
 * ```
 */
export async function startJobService(o: {
  readonly jobs: readonly string[];
  readonly emit: (event: ExceptionEvent) => Promise<void>;
  readonly port?: number;
  readonly clock?: () => number;
  /** How long a restart takes to answer (it happens at once): a slow control plane. Default 0. */
  readonly restartAnswerMs?: number;
}): Promise<JobService> {
  const clock = o.clock ?? Date.now;
  const jobs = new Map<string, Job>(
    o.jobs.map((id) => [
      id,
      {
        fault: undefined,
        restarts: 0,
        oomKills: 0,
        config: { 'checkpoint.timeout.ms': 60_000, parallelism: 2 },
      },
    ]),
  );
  const injected = new Set<string>();
  const keys = new Set<string>();
  const changes: { job: string; key: string; value: number }[] = [];
  let repeatedKeys = 0;

  const health = (id: string, job: Job): JobHealth => ({
    job: id,
    status:
      job.fault === undefined || job.fault === 'exception'
        ? 'healthy'
        : job.fault === 'oom'
          ? 'failing'
          : 'degraded',
    lastCheckpointMs: job.fault === 'checkpoint-timeout' ? 60_000 : 4_200,
    backlog: job.fault === 'backpressure' ? 1_250_000 : 1_200,
    oomKills: job.oomKills,
    restarts: job.restarts,
    config: { ...job.config },
  });

  async function inject({ incidentId, job: id, kind }: { incidentId: string; job: string; kind: FaultKind }) {
    const job = jobs.get(id);
    if (!job) throw new RangeError(`no job "${id}"`);
    if (!injected.has(incidentId)) {
      injected.add(incidentId);
      job.fault = kind;
      if (kind === 'oom') job.oomKills += 3;
    }
    // Reported again on a second inject (a restarted pack): the log's msg id drops the copy.
    await o.emit({ incidentId, job: id, kind, message: MESSAGES[kind], at: clock() });
  }
  const stats = (): JobServiceStats => ({
    restarts: Object.fromEntries([...jobs].map(([id, job]) => [id, job.restarts])),
    configChanges: [...changes],
    repeatedKeys,
  });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [, root, id, action] = (req.url ?? '/').split('?')[0]?.split('/') ?? [];
    if (root === 'healthz') return json(res, 200, { ok: true });
    if (root === 'faults' && req.method === 'POST') {
      const fault = Fault.safeParse(await body(req));
      if (!fault.success)
        return json(res, 400, { error: fault.error.issues.map((i) => i.message).join('; ') });
      if (!jobs.has(fault.data.job)) return json(res, 404, { error: `no job "${fault.data.job}"` });
      await inject(fault.data);
      return json(res, 202, { injected: fault.data.incidentId });
    }
    if (root === 'stats') return json(res, 200, stats());
    if (root !== 'jobs') return json(res, 404, { error: 'no such route' });
    if (id === undefined || id === '')
      return json(
        res,
        200,
        [...jobs].map(([j, job]) => health(j, job)),
      );
    const job = jobs.get(id);
    if (!job) return json(res, 404, { error: `no job "${id}"` });
    if (req.method === 'GET' && action === 'health') return json(res, 200, health(id, job));
    if (req.method !== 'POST' || (action !== 'restart' && action !== 'config'))
      return json(res, 404, { error: 'no such route' });
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '')
      return json(res, 400, { error: 'Idempotency-Key header required' });
    if (keys.has(key)) {
      repeatedKeys++;
      return json(res, 409, { error: 'repeated idempotency key: this remediation already ran', key });
    }
    if (action === 'restart') {
      keys.add(key);
      job.restarts++;
      // A clean start ends an OOM crash loop; it does not fix a config problem.
      if (job.fault === 'oom' || job.fault === 'exception') job.fault = undefined;
      if (o.restartAnswerMs) await new Promise((resolve) => setTimeout(resolve, o.restartAnswerMs));
      return json(res, 200, { restarted: true, restarts: job.restarts });
    }
    const change = ConfigChange.safeParse(await body(req));
    if (!change.success)
      return json(res, 400, { error: change.error.issues.map((i) => i.message).join('; ') });
    keys.add(key);
    job.config[change.data.key] = change.data.value;
    changes.push({ job: id, ...change.data });
    if (
      job.fault === 'checkpoint-timeout' &&
      change.data.key === 'checkpoint.timeout.ms' &&
      change.data.value > 60_000
    )
      job.fault = undefined;
    if (job.fault === 'backpressure' && change.data.key === 'parallelism' && change.data.value > 2)
      job.fault = undefined;
    return json(res, 200, { changed: true, config: job.config });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    inject,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

async function body(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}
