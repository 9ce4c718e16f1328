import { usageError } from '../cli-errors.ts';
import type { Command } from '../command.ts';
import { runService } from '../run/run-service.ts';
import { loadServiceConfig } from '../run/service-config.ts';

export const runCommand: Command = {
  name: 'run',
  summary: 'run the pipelines a module exports, as a service (health, readiness, metrics, drain)',
  help: `Usage: eddy run <module> [--config FILE] [--port P]

Runs the pipelines a module exports (export default definePipelines(...), from
'eddy'; TypeScript or JavaScript) as a service: one log and store for the
process (NATS + PostgreSQL from NATS_URL and DATABASE_URL, or the embedded
default), pino JSON logs on stdout with secrets scrubbed, and HTTP:

  /healthz   200 while the process runs
  /readyz    200 when started, not draining, NATS and PostgreSQL answer; else 503
  /metrics   Prometheus text: every eddy_* metric of the pipelines, and the process's

Several processes of one module share the partitions through their leases:
start more to scale out. SIGTERM or SIGINT drains (stops taking input, commits
what is in flight, publishes the outbox, releases the leases) and exits 0
within drainTimeoutMs; a second signal exits at once (130), and the next owner
resumes from the last commit.

Options:
  --config FILE  eddy.config.ts, .json or .yaml (default: the first of those here)
  --port P       HTTP port (default 9464; EDDY_HTTP_PORT)
  -h, --help     this help

Config (all optional): instance, http.port, http.host, drainTimeoutMs, logLevel,
nats.url, database.url, settings (handed to the module). Env wins: NATS_URL,
DATABASE_URL, EDDY_INSTANCE, EDDY_HTTP_PORT, LOG_LEVEL.

Exit codes: 0 drained, 1 failed (or the drain missed its deadline), 2 bad
command line, 69 a server unreachable, 78 bad config or module, 130 second signal.`,
  options: { config: { type: 'string' }, port: { type: 'string' } },
  async run({ values, positionals }, io) {
    const [module, extra] = positionals;
    if (module === undefined) throw usageError('name the module: eddy run <module>');
    if (extra !== undefined) throw usageError(`unexpected argument "${extra}"`);
    const port = values.port;
    if (port !== undefined && !/^\d+$/.test(String(port)))
      throw usageError(`--port must be a whole number, got "${String(port)}"`);
    const env = port === undefined ? io.env : { ...io.env, EDDY_HTTP_PORT: String(port) };
    const config = await loadServiceConfig(
      typeof values.config === 'string' ? values.config : undefined,
      env,
    );
    return runService({ module, config, env, signal: io.signal });
  },
};
