import { hostname } from 'node:os';
import type { RunnablePipeline } from 'eddy';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { EXIT, type ExitCode } from '../exit-codes.ts';
import { approvalsGauge } from './approvals-gauge.ts';
import { lagGauge } from './lag-gauge.ts';
import { loadPipelinesModule } from './load-module.ts';
import type { ServiceConfig } from './service-config.ts';
import { type Readiness, startEndpoints } from './service-endpoints.ts';
import { secretsOf, serviceLogger } from './service-logger.ts';
import { openServiceRuntime } from './service-runtime.ts';

export interface RunServiceOptions {
  readonly module: string;
  readonly config: ServiceConfig;
  readonly env: NodeJS.ProcessEnv;
  /** Aborted by the first SIGTERM / SIGINT: the service drains. */
  readonly signal: AbortSignal;
}

/**
 * `eddy run`: loads the module's pipelines, runs them on the configured log
 * and store with one logger and one metrics registry, serves the HTTP
 * endpoints, and on the signal drains (stops input, commits what is in
 * flight, publishes the outbox, releases the leases) within the deadline.
 */
export async function runService(o: RunServiceOptions): Promise<ExitCode> {
  const logger = serviceLogger(
    o.config.logLevel,
    secretsOf(o.env, [o.config.nats?.url, o.config.database?.url]),
  );
  const owner = o.config.instance ?? `${hostname()}-${process.pid}`;
  const module = await loadPipelinesModule(o.module);
  const runtime = await openServiceRuntime(o.config);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  let pipelines: readonly RunnablePipeline[] = [];
  let started = false;
  let draining = false;
  const readiness = async (): Promise<Readiness> => {
    const checks: Record<string, string> = {};
    // A server that does not answer makes the probe fail in time, not hang.
    await Promise.race([
      runtime.ping(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no answer within 2 s')), 2_000).unref(),
      ),
    ]).then(
      () => {
        checks.servers = 'ok';
      },
      (error: unknown) => {
        checks.servers = (error as Error).message;
      },
    );
    const partitions = Object.fromEntries(
      pipelines.map((p) => [p.name, p.subjects.inputs.map((_, part) => p.partitions(part))]),
    );
    checks.pipelines = started ? 'started' : 'starting';
    return { ready: started && !draining && checks.servers === 'ok', draining, checks, partitions };
  };
  const endpoints = await startEndpoints({
    host: o.config.http.host,
    port: o.config.http.port,
    metrics,
    readiness,
  });
  logger.info({ port: endpoints.port, instance: owner, runtime: runtime.kind }, 'eddy run: listening');
  try {
    const topics = typeof module.topics === 'function' ? module.topics(o.config.settings) : module.topics;
    for (const topic of topics) await runtime.log.ensureTopic(topic);
    pipelines = await module.create({
      log: runtime.log,
      store: runtime.store,
      logger,
      metrics,
      owner,
      settings: o.config.settings,
      env: o.env,
    });
    lagGauge(metrics, runtime.log, () => pipelines, logger);
    approvalsGauge(metrics, runtime.store, () => pipelines, logger);
    await Promise.all(pipelines.map((p) => p.start()));
    started = true;
    logger.info({ pipelines: pipelines.map((p) => p.name) }, 'eddy run: ready');
    if (!o.signal.aborted)
      await new Promise<void>((r) => o.signal.addEventListener('abort', () => r(), { once: true }));
    draining = true;
    logger.info({ deadlineMs: o.config.drainTimeoutMs }, 'eddy run: draining');
    const drained = await Promise.race([
      Promise.all(pipelines.map((p) => p.stop())).then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), o.config.drainTimeoutMs).unref()),
    ]);
    if (!drained) {
      // Whatever did not commit is redone by the next owner from the last commit.
      logger.error(
        { deadlineMs: o.config.drainTimeoutMs },
        'eddy run: the drain did not finish in time; exiting',
      );
      return EXIT.failed;
    }
    logger.info({}, 'eddy run: drained, leases released');
    return EXIT.ok;
  } finally {
    await endpoints.close();
    await runtime.close().catch(() => {});
    logger.flush();
  }
}
