import { tool } from 'eddy/agents';
import { z } from 'zod';
import type { JobHealth } from './job-service.ts';

export const HEALTH_TOOL = 'health_check';
export const RESTART_TOOL = 'restart_job';
export const CONFIG_TOOL = 'set_job_config';

async function call(
  url: string,
  init: RequestInit & { signal: AbortSignal },
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json().catch(() => null) };
}

/**
 * The ops agent's tools, against the job service's HTTP API: a health check
 * (a read), and two remediations that need a person's approval and carry the
 * call's idempotency key. The service refuses a key it has seen (409): that
 * means the remediation already ran (a re-run after a crash), so it is
 * reported as done, not run again.
 */
export function jobTools(serviceUrl: string) {
  const health = tool({
    name: HEALTH_TOOL,
    description: 'Health check of a streaming job: status, last checkpoint time, backlog, OOM kills, config',
    input: z.object({ job: z.string() }),
    run: async ({ job }, { signal }) => {
      const { status, body } = await call(`${serviceUrl}/jobs/${encodeURIComponent(job)}/health`, { signal });
      if (status !== 200)
        throw new Error(`health check of ${job} answered ${status}: ${JSON.stringify(body)}`);
      return body as JobHealth;
    },
  });
  const remediation = (path: string, idempotencyKey: string, signal: AbortSignal, payload?: object) =>
    call(`${serviceUrl}${path}`, {
      method: 'POST',
      headers: { 'idempotency-key': idempotencyKey, 'content-type': 'application/json' },
      body: JSON.stringify(payload ?? {}),
      signal,
    }).then(({ status, body }) => {
      if (status === 409) return { done: true, repeated: true };
      if (status !== 200) throw new Error(`${path} answered ${status}: ${JSON.stringify(body)}`);
      return { done: true, repeated: false, ...(body as object) };
    });
  const restart = tool({
    name: RESTART_TOOL,
    description: 'Restarts a streaming job (interrupts processing for about a minute)',
    input: z.object({ job: z.string() }),
    sideEffect: true,
    requiresApproval: true,
    run: ({ job }, { idempotencyKey, signal }) =>
      remediation(`/jobs/${encodeURIComponent(job)}/restart`, idempotencyKey, signal),
  });
  const config = tool({
    name: CONFIG_TOOL,
    description: 'Changes one config value of a streaming job',
    input: z.object({
      job: z.string(),
      key: z.enum(['checkpoint.timeout.ms', 'parallelism']),
      value: z.number().int().positive(),
    }),
    sideEffect: true,
    requiresApproval: true,
    run: ({ job, key, value }, { idempotencyKey, signal }) =>
      remediation(`/jobs/${encodeURIComponent(job)}/config`, idempotencyKey, signal, { key, value }),
  });
  return [health, restart, config] as const;
}
