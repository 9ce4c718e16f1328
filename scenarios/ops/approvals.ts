import type { Log } from 'eddy';
import type { ApprovalInput, ApprovalOutput } from 'eddy/agents';
import { SubjectTail } from '../shared/subject-tail.ts';
import type { OpsSubjects } from './subjects.ts';

type Request = Extract<ApprovalOutput, { type: 'approval-request' }>;

/** A request waiting for a person: which job's agent asks, to run what, until when. */
export interface PendingApproval {
  readonly requestId: string;
  readonly job: string;
  readonly tool: string;
  readonly input: unknown;
  readonly expiresAt: number;
}

/**
 * The approval requests nobody has decided yet and that have not expired,
 * read from the log (the agent's requests on `ops.cases`, the decisions on
 * `ops.approvals`): what `eddy approvals` lists.
 */
export async function pendingApprovals(
  log: Log,
  s: OpsSubjects,
  now = Date.now(),
): Promise<PendingApproval[]> {
  const requests = (await new SubjectTail<{ type: string }>(log, s.cases).pollEntries()).filter(
    (e): e is { key: string; value: Request } => e.value.type === 'approval-request',
  );
  const decided = new Set(
    (await new SubjectTail<ApprovalInput>(log, s.approvals).poll()).map((d) => d.requestId),
  );
  return requests
    .filter((r) => !decided.has(r.value.requestId) && r.value.expiresAt > now)
    .map((r) => ({
      requestId: r.value.requestId,
      job: r.key,
      tool: r.value.tool,
      input: r.value.input,
      expiresAt: r.value.expiresAt,
    }));
}

/** Why a decision was not sent. */
export class NoSuchApprovalError extends Error {
  override readonly name = 'NoSuchApprovalError';
}

/**
 * Sends a decision on a pending request to `ops.approvals`, keyed by the
 * job whose agent asked; its msg id is the request's, so a second decision
 * on one request is dropped by the log (and the agent answers any decision
 * it has no pending request for with `approval-rejected`).
 */
export async function decideApproval(
  log: Log,
  s: OpsSubjects,
  decision: {
    readonly requestId: string;
    readonly approved: boolean;
    readonly by: string;
    readonly reason?: string;
  },
): Promise<PendingApproval> {
  const pending = (await pendingApprovals(log, s)).find((p) => p.requestId === decision.requestId);
  if (!pending)
    throw new NoSuchApprovalError(
      `no pending approval request "${decision.requestId}" (decided already, expired, or never asked): see eddy approvals`,
    );
  const input: ApprovalInput = {
    type: 'approval',
    requestId: decision.requestId,
    approved: decision.approved,
    by: decision.by,
    reason: decision.reason ?? '',
  };
  await log.ensureTopic({ subject: s.approvals, partitions: await log.partitions(s.events) });
  await log.append(s.approvals, {
    key: pending.job,
    msgId: `decision:${decision.requestId}`,
    payload: new TextEncoder().encode(JSON.stringify(input)),
  });
  return pending;
}
