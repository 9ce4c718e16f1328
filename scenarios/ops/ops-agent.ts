import type { Json } from 'eddy';
import {
  type ChatModel,
  type Tool,
  type ToolResult,
  type ToolSource,
  type WorkflowContext,
  workflowAgent,
} from 'eddy/agents';
import { type Diagnosis, diagnosisPrompt, parseDiagnosis } from './diagnosis.ts';
import type { ExceptionEvent, JobHealth } from './job-service.ts';
import { CONFIG_TOOL, HEALTH_TOOL, RESTART_TOOL } from './job-tools.ts';
import type { OpenCase, OpsCase, Outcome } from './ops-case.ts';

type OpsEvent = { readonly type: 'Incident'; readonly event: ExceptionEvent };
type Ctx = WorkflowContext<OpsEvent, OpsCase>;

/** The MCP filesystem server's read tool, as the agent sees it (prefix `fs_`). */
export const READ_RUNBOOK_TOOL = 'fs_read_text_file';

export interface OpsAgentOptions {
  readonly name: string;
  readonly model: ChatModel;
  /** The job tools and the MCP filesystem source over the runbooks. */
  readonly tools: readonly (Tool | ToolSource)[];
  readonly retrieve: NonNullable<Parameters<typeof workflowAgent>[0]['retrieve']>;
  /** An approval not given in this time is a denial (a durable timer). */
  readonly approvalTimeoutMs: number;
}

/**
 * The operations agent, one per job (keyed by job id): health check →
 * runbook from long-term memory (read in full through the MCP filesystem
 * server) → diagnosis and a remediation from the model → a person's
 * approval → the remediation, once, under its idempotency key → health
 * again → the case filed as normal, auto-remediated or needs-a-person.
 * Every tool call, answer and approval is journaled; a crash never runs a
 * remediation twice (and the service refuses a repeated key besides).
 */
export function opsAgent(o: OpsAgentOptions) {
  return workflowAgent<ExceptionEvent, OpsEvent, OpsCase>({
    name: o.name,
    models: { oncall: o.model },
    tools: o.tools,
    retrieve: o.retrieve,
    approvalTimeoutMs: o.approvalTimeoutMs,
    start: (event) => ({ type: 'Incident', event }),
    actions: {
      Incident: async ({ event }, ctx) => {
        const open = openCase(ctx);
        if (open?.event.incidentId === event.incidentId) return;
        if (open) {
          file(ctx, {
            event,
            outcome: 'needs-a-person',
            summary: `another incident (${open.event.incidentId}) is still open on this job`,
          });
          return;
        }
        const health = await healthOf(ctx, event.job);
        if (health === undefined) {
          file(ctx, { event, outcome: 'needs-a-person', summary: 'the health check failed' });
          return;
        }
        if (health.status === 'healthy') {
          file(ctx, {
            event,
            health,
            outcome: 'normal',
            summary: 'the job is healthy: a transient fault, nothing to do',
          });
          return;
        }
        ctx.memory.set('open', { event, health } satisfies OpenCase as unknown as Json);
        ctx.send({
          type: 'ContextRetrievalRequest',
          id: 'runbook',
          query: `${event.kind} ${event.message}`,
          k: 1,
        });
      },
      ContextRetrievalResponse: async (response, ctx) => {
        const open = openCase(ctx);
        if (!open) return;
        const match = response.matches[0] as
          | { text?: string; metadata?: { file?: string; path?: string } }
          | undefined;
        const file_ = match?.metadata?.file ?? null;
        // The whole runbook through the MCP filesystem server; the memory's copy if it cannot be read.
        const read = match?.metadata?.path
          ? await ctx.callTool(READ_RUNBOOK_TOOL, { path: match.metadata.path })
          : undefined;
        const runbook = read?.ok
          ? String((read.value as { content?: unknown }).content ?? '')
          : (match?.text ?? '');
        const diagnosis = await diagnose(ctx, open, runbook);
        if (diagnosis === undefined || diagnosis.remediation.action === 'none') {
          file(ctx, {
            ...open,
            runbook: file_,
            diagnosis: diagnosis ?? null,
            outcome: 'needs-a-person',
            summary: diagnosis
              ? 'the job is not healthy and the runbook has no remediation'
              : 'no usable diagnosis from the model',
          });
          return;
        }
        ctx.memory.set('open', {
          ...open,
          runbook: file_ ?? '',
          diagnosis,
        } satisfies OpenCase as unknown as Json);
        const r = diagnosis.remediation;
        ctx.send(
          r.action === 'restart'
            ? { type: 'ToolRequest', id: 'remediate', tool: RESTART_TOOL, input: { job: open.event.job } }
            : {
                type: 'ToolRequest',
                id: 'remediate',
                tool: CONFIG_TOOL,
                input: { job: open.event.job, key: r.key, value: r.value },
              },
        );
      },
      ToolResponse: async (response, ctx) => {
        const open = openCase(ctx);
        if (response.id !== 'remediate' || !open) return;
        const base = { ...open, runbook: open.runbook ?? null, diagnosis: open.diagnosis ?? null };
        if (!response.result.ok) {
          const note = response.result.error.message;
          const denied = note.startsWith('not run: denied');
          file(ctx, {
            ...base,
            approval: { approved: !denied, note },
            outcome: 'needs-a-person',
            summary: denied
              ? `the remediation was ${note.replace('not run: ', '')}`
              : `the remediation failed: ${note}`,
          });
          return;
        }
        const after = await healthOf(ctx, open.event.job);
        const fixed = after?.status === 'healthy';
        file(ctx, {
          ...base,
          healthAfter: after ?? null,
          approval: { approved: true, note: 'approved' },
          outcome: fixed ? 'auto-remediated' : 'needs-a-person',
          summary: fixed
            ? 'remediated and verified healthy'
            : `remediated, but the job is still ${after?.status ?? 'unreachable'}`,
        });
      },
    },
  });
}

function openCase(ctx: Ctx): OpenCase | undefined {
  const open = ctx.memory.get('open');
  return open === null || open === undefined ? undefined : (open as unknown as OpenCase);
}

async function healthOf(ctx: Ctx, job: string): Promise<JobHealth | undefined> {
  const result: ToolResult = await ctx.callTool(HEALTH_TOOL, { job });
  return result.ok ? (result.value as unknown as JobHealth) : undefined;
}

async function diagnose(ctx: Ctx, open: OpenCase, runbook: string): Promise<Diagnosis | undefined> {
  const messages = diagnosisPrompt(open.event, open.health, runbook);
  const first = await ctx.chat({ messages });
  const parsed = parseDiagnosis(first.content);
  if (parsed) return parsed;
  const again = await ctx.chat({
    messages: [
      ...messages,
      { role: 'assistant', content: first.content },
      { role: 'user', content: 'That does not fit the schema: answer with the JSON only.' },
    ],
  });
  return parseDiagnosis(again.content);
}

function file(
  ctx: Ctx,
  c: {
    readonly event: ExceptionEvent;
    readonly outcome: Outcome;
    readonly summary: string;
    readonly health?: JobHealth;
    readonly runbook?: string | null;
    readonly diagnosis?: Diagnosis | null;
    readonly approval?: OpsCase['approval'];
    readonly healthAfter?: JobHealth | null;
  },
): void {
  ctx.memory.set('open', null);
  ctx.emit({
    type: 'case',
    incidentId: c.event.incidentId,
    job: c.event.job,
    kind: c.event.kind,
    outcome: c.outcome,
    summary: c.summary,
    runbook: c.runbook ?? null,
    diagnosis: c.diagnosis ?? null,
    approval: c.approval ?? null,
    healthBefore: c.health ?? null,
    healthAfter: c.healthAfter ?? null,
  });
}
