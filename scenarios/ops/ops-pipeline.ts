import { actor, from, type Log, type Logger, pipeline, type Store, to } from 'eddy';
import { approvalInputSchema, workflowInputSchema } from 'eddy/agents';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { FAULTS } from './job-service.ts';
import { type OpsAgentOptions, opsAgent } from './ops-agent.ts';
import type { OpsSubjects } from './subjects.ts';

export const ExceptionEventIn = z.object({
  incidentId: z.string().min(1),
  job: z.string().min(1),
  kind: z.enum(FAULTS),
  message: z.string().max(4_000),
  at: z.number().int(),
});

export interface OpsPipelineOptions extends Omit<OpsAgentOptions, 'name'> {
  readonly subjects: OpsSubjects;
  readonly log: Log;
  readonly store: Store;
  readonly logger?: Logger;
  readonly metrics?: Registry;
}

/**
 * The operations pipelines: the agent over `ops.events` (keyed by job) with
 * its cases and approval requests on `ops.cases`, and a forwarder that takes
 * decisions from `ops.approvals` into the agent's input, exactly once.
 *
 *     job service ─▶ ops.events ─ ops agent ─▶ ops.cases (approval requests, cases)
 *     eddy approve ─▶ ops.approvals ─ forwarder ─▶ ops.events
 */
export function opsPipelines(o: OpsPipelineOptions) {
  const s = o.subjects;
  const common = {
    log: o.log,
    store: o.store,
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
  };
  const agent = pipeline(
    { name: s.name, deadLetter: s.deadLetter, ...common },
    from(s.events, workflowInputSchema(ExceptionEventIn)).pipe(
      actor(
        opsAgent({
          name: s.agent,
          model: o.model,
          tools: o.tools,
          retrieve: o.retrieve,
          approvalTimeoutMs: o.approvalTimeoutMs,
        }),
      ),
      to(s.cases),
    ),
  );
  const forwarder = pipeline(
    { name: s.forwarder, deadLetter: `${s.forwarder}.dead-letter`, ...common },
    from(s.approvals, approvalInputSchema).pipe(to(s.events)),
  );
  return { agent, forwarder };
}
