import type { ActorContext } from '../../core/actor/actor-context.ts';
import { type ApprovalTrigger, resolveApproval } from '../steps/approval.ts';
import { boundConversation } from './conversation-memory.ts';
import { parseAnswer } from './parse-answer.ts';
import type { JournaledCall, ReactEvent } from './react-events.ts';
import type { ReactInput, ReactOutput } from './react-io.ts';
import type { ReactSettings } from './react-settings.ts';
import { type ActiveRun, evolveReact, type ReactState } from './react-state.ts';
import { askModel, deniedCall, type ReactScope, requestApproval, runTool } from './react-steps.ts';

/** Why the loop runs: an input, or a timer of this agent. */
export type ReactTrigger =
  | { readonly kind: 'input'; readonly input: ReactInput }
  | { readonly kind: 'timer'; readonly name: string };

type ErrorCode = Extract<ReactOutput, { type: 'error' }>['code'];

/**
 * One `decide`: applies the trigger, then advances the active run (and the
 * queued ones) as far as it can go without a human: to an answer, an error, or
 * a pending approval. Returns the events to journal; state is folded locally
 * with the same `evolve` recovery uses.
 */
export async function runReact(
  settings: ReactSettings,
  start: ReactState,
  trigger: ReactTrigger,
  ctx: ActorContext<ReactOutput>,
): Promise<ReactEvent[]> {
  const scope: ReactScope = { settings, ctx };
  const events: ReactEvent[] = [];
  let state = start;
  const apply = (event: ReactEvent): void => {
    events.push(event);
    state = evolveReact(state, event);
  };
  const finish = (run: ActiveRun, code: ErrorCode, error: string): void => {
    apply({ type: 'RunFinished', runId: run.runId, outcome: 'error', error });
    ctx.emit({ type: 'error', runId: run.runId, code, error, steps: run.steps });
  };

  /** Ends the pending request the trigger decides, if any; false when the trigger moves nothing. */
  const resume = async (approval: ApprovalTrigger): Promise<boolean> => {
    const run = state.run;
    const pending = run?.approval;
    const resolved = resolveApproval(ctx, approval, (id) => pending?.requestId === id);
    // Forged, replayed, late, or another timer.
    if (!resolved || !run || !pending) return false;
    apply(resolved);
    const call = run.pendingCalls.find((c) => c.id === pending.callId);
    if (call) apply(resolved.approved ? await runTool(scope, run, call) : deniedCall(call, resolved));
    return true;
  };

  // Whether a key keeps a conversation follows the setting, also for keys from before it changed.
  if (settings.conversation && !state.conversation) apply({ type: 'ConversationStarted' });
  if (!settings.conversation && state.conversation) apply({ type: 'ConversationDropped' });

  if (trigger.kind === 'timer') {
    if (!(await resume(trigger))) return events;
  } else if (trigger.input.type === 'approval') {
    if (!(await resume({ kind: 'decision', input: trigger.input }))) return events;
  } else {
    const runId = trigger.input.runId ?? ctx.input?.id ?? `${ctx.key}:${state.finished}`;
    const busy = state.run !== null || state.queue.length > 0;
    apply({ type: busy ? 'RunQueued' : 'RunStarted', runId, question: trigger.input.question });
  }

  for (;;) {
    const run = state.run;
    if (!run) {
      const next = state.queue[0];
      if (!next) return events;
      apply({ type: 'RunStarted', runId: next.runId, question: next.question });
      continue;
    }
    if (run.approval) return events;
    if (run.pendingCalls.length > 0) {
      const free = run.pendingCalls.filter((c) => !settings.tools.get(c.name)?.requiresApproval);
      if (free.length === 0) {
        apply(requestApproval(scope, run, run.pendingCalls[0] as JournaledCall));
        return events;
      }
      // The model asked for these together: they run in parallel, each its own journaled step.
      for (const finished of await Promise.all(free.map((c) => runTool(scope, run, c)))) apply(finished);
      continue;
    }
    if (run.steps >= settings.maxSteps) {
      finish(run, 'step_limit', `no final answer within ${settings.maxSteps} model calls`);
      continue;
    }
    const answer = await askModel(scope, run);
    if (!answer.ok) {
      finish(run, 'model_error', answer.message);
      continue;
    }
    apply(answer.record);
    if (answer.record.calls.length > 0) continue;
    const parsed = parseAnswer(answer.record.content, settings.output);
    const current = state.run as ActiveRun;
    if (parsed.ok) {
      apply({ type: 'RunFinished', runId: current.runId, outcome: 'answer', error: null });
      const conversation = state.conversation;
      if (settings.conversation && conversation) {
        const bounded = await boundConversation(ctx, settings.model, conversation, settings.conversation);
        if (bounded) apply(bounded);
      }
      ctx.emit({
        type: 'answer',
        runId: current.runId,
        answer: parsed.value,
        steps: current.steps,
        usage: current.usage,
      });
    } else if (current.repairs < settings.maxRepairs) {
      apply({ type: 'OutputRejected', error: parsed.error });
    } else {
      finish(current, 'invalid_output', parsed.error);
    }
  }
}
