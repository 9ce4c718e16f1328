import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Log, Logger, Store } from 'eddy';
import { type ApprovalOutput, type ChatModel, connectMcp } from 'eddy/agents';
import { type ActorMemory, contextRetriever } from 'eddy/memory';
import type { Registry } from 'prom-client';
import { SubjectTail } from '../shared/subject-tail.ts';
import { decideApproval } from './approvals.ts';
import { type Incident, incidentPlan, JOBS } from './incidents.ts';
import {
  type ExceptionEvent,
  type JobService,
  type JobServiceStats,
  startJobService,
} from './job-service.ts';
import { jobTools } from './job-tools.ts';
import type { OpsCase } from './ops-case.ts';
import { opsPipelines } from './ops-pipeline.ts';
import { ingestRunbooks, RUNBOOK_DIR, RUNBOOKS } from './runbooks.ts';
import { DEFAULT_SEED, type OpsSubjects, opsSubjects } from './subjects.ts';

type Request = Extract<ApprovalOutput, { type: 'approval-request' }>;

/**
 * Who decides approval requests: `auto` is a scripted operator for the demo
 * (it approves every remediation except on payments jobs, which are under a
 * change freeze); `external` leaves them to people (`eddy approve`, or a
 * decision on the approvals subject); a function decides in code (tests).
 */
export type ApprovalPolicy =
  | 'auto'
  | 'external'
  | ((request: Request, job: string) => { approved: boolean; reason: string } | undefined);

export interface OpsRunOptions {
  readonly events: number;
  readonly seed?: number;
  readonly log: Log;
  readonly store: Store;
  /** Long-term memory for the runbooks (the store's database). */
  readonly memory: ActorMemory;
  readonly model: ChatModel;
  /** The job service to work on (`OPS_SERVICE_URL`); default one the run starts in this process. */
  readonly serviceUrl?: string;
  readonly approve?: ApprovalPolicy;
  readonly approvalTimeoutMs?: number;
  readonly logger?: Logger;
  readonly metrics?: Registry;
  readonly onApprovalRequest?: (request: Request, job: string) => void;
  readonly onProgress?: (p: {
    readonly injected: number;
    readonly cases: number;
    readonly incidents: number;
  }) => void;
  readonly signal?: AbortSignal;
}

export interface OpsSummary {
  readonly pipeline: string;
  readonly model: string;
  readonly offline: boolean;
  readonly embedder: string;
  readonly seconds: number;
  readonly runbooks: number;
  readonly cases: readonly OpsCase[];
  readonly approvalRequests: number;
  /** What the service saw (null when it is someone else's: then ask it). */
  readonly service: JobServiceStats | null;
}

const require = createRequire(import.meta.url);
const FILESYSTEM_SERVER = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');

/** The scripted operator of `approve: 'auto'`. */
export const autoOperator = (_request: Request, job: string) =>
  job.startsWith('payments')
    ? { approved: false, reason: 'change freeze on payments until Monday' }
    : { approved: true, reason: 'runbook remediation' };

/**
 * Runs the ops pack: a job service (or the one at `serviceUrl`), the
 * runbooks ingested into memory and served over MCP, the agent and the
 * approvals forwarder; injects the incidents round by round and returns when
 * every incident has its case.
 */
export async function runOps(o: OpsRunOptions): Promise<OpsSummary> {
  const started = performance.now();
  const seed = o.seed ?? DEFAULT_SEED;
  const s = opsSubjects(seed);
  const plan = incidentPlan(o.events, seed);
  const partitions = 4;
  await o.log.ensureTopic({ subject: s.events, partitions });
  await o.log.ensureTopic({ subject: s.approvals, partitions });
  const own: JobService | undefined = o.serviceUrl
    ? undefined
    : await startJobService({
        jobs: JOBS,
        emit: (e) => appendIncident(o.log, s, e),
      });
  const serviceUrl = o.serviceUrl ?? (own as JobService).url;
  const runbooks = await ingestRunbooks(o.memory);
  const mcp = await connectMcp({
    name: 'runbooks',
    transport: {
      type: 'stdio',
      command: process.execPath,
      args: [FILESYSTEM_SERVER, realpathSync(RUNBOOK_DIR)],
    },
    allow: ['read_text_file'],
    prefix: 'fs_',
    ...(o.logger ? { logger: o.logger } : {}),
  });
  const { agent, forwarder } = opsPipelines({
    subjects: s,
    log: o.log,
    store: o.store,
    model: o.model,
    tools: [...jobTools(serviceUrl), mcp],
    retrieve: contextRetriever(o.memory, { shared: [RUNBOOKS], own: false }),
    approvalTimeoutMs: o.approvalTimeoutMs ?? 10 * 60_000,
    ...(o.logger ? { logger: o.logger } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
  const outputs = new SubjectTail<OpsCase | ApprovalOutput>(o.log, s.cases);
  const cases = new Map<string, OpsCase>();
  const asked = new Set<string>();
  const ids = new Set(plan.map((i) => i.incidentId));
  const policy = o.approve ?? 'auto';
  const decide = policy === 'auto' ? autoOperator : policy === 'external' ? undefined : policy;
  let requests = 0;
  const poll = async () => {
    for (const { key, value } of await outputs.pollEntries()) {
      if (value.type === 'case' && ids.has(value.incidentId)) cases.set(value.incidentId, value);
      if (value.type !== 'approval-request' || asked.has(value.requestId)) continue;
      asked.add(value.requestId);
      requests++;
      o.onApprovalRequest?.(value, key);
      const decision = decide?.(value, key);
      if (decision)
        await decideApproval(o.log, s, {
          requestId: value.requestId,
          by: 'ops-pack operator',
          ...decision,
        }).catch(
          () => {}, // decided already (a restarted run): the log has it
        );
    }
  };

  await agent.start();
  await forwarder.start();
  let injected = 0;
  try {
    const rounds = new Map<number, Incident[]>();
    for (const i of plan) rounds.set(i.round, [...(rounds.get(i.round) ?? []), i]);
    for (const round of rounds.values()) {
      for (const incident of round) {
        await inject(serviceUrl, incident);
        injected++;
      }
      while (!round.every((i) => cases.has(i.incidentId))) {
        o.signal?.throwIfAborted();
        await poll();
        o.onProgress?.({ injected, cases: cases.size, incidents: plan.length });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await forwarder.stop();
    await agent.stop();
    await mcp.close();
    await own?.close();
  }
  return {
    pipeline: s.name,
    model: o.model.id,
    offline: o.model.offline,
    embedder: o.memory.embedder.id,
    seconds: Math.round(((performance.now() - started) / 1000) * 10) / 10,
    runbooks,
    cases: plan.map((i) => cases.get(i.incidentId) as OpsCase),
    approvalRequests: requests,
    service: own ? own.stats() : null,
  };
}

/** How a job service reports an incident to the pipeline: keyed by job, its msg id the incident's (a re-report is dropped). */
export async function appendIncident(log: Log, s: OpsSubjects, e: ExceptionEvent): Promise<void> {
  await log.append(s.events, {
    key: e.job,
    msgId: e.incidentId,
    payload: new TextEncoder().encode(JSON.stringify(e)),
  });
}

async function inject(serviceUrl: string, incident: Incident): Promise<void> {
  const res = await fetch(`${serviceUrl}/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ incidentId: incident.incidentId, job: incident.job, kind: incident.kind }),
  });
  if (res.status !== 202)
    throw new Error(
      `the job service refused fault ${incident.incidentId}: ${res.status} ${await res.text()}`,
    );
}
