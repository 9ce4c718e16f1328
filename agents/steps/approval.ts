import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { Json } from '../../core/store/store.ts';
import type { ApprovalInput, ApprovalRejected } from './approval-input.ts';

/** Name prefix of the timers that expire approval requests. */
const TIMER = 'approval:';

/** How a request ended, journaled alike by every agent: a human's decision, or its expiry. */
export type ApprovalResolved = {
  readonly type: 'ApprovalResolved';
  readonly requestId: string;
  readonly approved: boolean;
  readonly by: string;
  readonly reason: string;
};

/** A request just opened. */
export interface OpenedApproval {
  readonly requestId: string;
  readonly expiresAt: number;
}

/** What may end a pending request: a decision input, or a timer of the agent (perhaps its expiry). */
export type ApprovalTrigger =
  | { readonly kind: 'decision'; readonly input: ApprovalInput }
  | { readonly kind: 'timer'; readonly name: string };

/**
 * Opens an approval request: an id unique per key (`scope` names what waits
 * for it) with a random part, so that knowing the run and the call is not
 * enough to forge a decision; a durable timer that denies the request at
 * `expiresAt`; and the request output that `output` builds. The agent
 * journals the request in an event of its own.
 *
 * @example
 * const { requestId } = openApproval(ctx, `${runId}/${step}/${call.id}`, 60_000, (r) => ({ type: 'approval-request', ...r }));
 */
export function openApproval<O extends Json>(
  ctx: Pick<ActorContext<O>, 'now' | 'random' | 'timers' | 'emit'>,
  scope: string,
  timeoutMs: number,
  output: (opened: OpenedApproval) => O,
): OpenedApproval {
  // `random` is seeded per task: a re-run after a crash opens the very same request.
  const nonce = Math.floor(ctx.random() * 2 ** 48).toString(36);
  const opened = { requestId: `${scope}/${nonce}`, expiresAt: ctx.now() + timeoutMs };
  ctx.timers.setProcessingTime(TIMER + opened.requestId, opened.expiresAt);
  ctx.emit(output(opened));
  return opened;
}

/**
 * What a trigger does to the agent's pending requests: the resolution to
 * journal, or undefined when it ends none. A decision for a request that is
 * not pending moves nothing and is answered with `approval-rejected`; a
 * decision for a pending one cancels its expiry; an expiry denies its request.
 */
export function resolveApproval(
  ctx: Pick<ActorContext<ApprovalRejected>, 'emit' | 'timers'>,
  trigger: ApprovalTrigger,
  isPending: (requestId: string) => boolean,
): ApprovalResolved | undefined {
  if (trigger.kind === 'timer') {
    const requestId = trigger.name.slice(TIMER.length);
    if (!trigger.name.startsWith(TIMER) || !isPending(requestId)) return undefined;
    return {
      type: 'ApprovalResolved',
      requestId,
      approved: false,
      by: 'timeout',
      reason: 'no decision before the request expired',
    };
  }
  const { requestId, approved, by, reason } = trigger.input;
  if (!isPending(requestId)) {
    ctx.emit({ type: 'approval-rejected', requestId, reason: 'no pending approval request has this id' });
    return undefined;
  }
  ctx.timers.cancel(TIMER + requestId);
  return { type: 'ApprovalResolved', requestId, approved, by, reason };
}

/** What the model (or the workflow) is told of a call that was denied. */
export function deniedText(resolved: ApprovalResolved): string {
  return `not run: denied by ${resolved.by}${resolved.reason ? ` (${resolved.reason})` : ''}`;
}
