import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { Json } from '../../core/store/store.ts';
import { type ApprovalTrigger, resolveApproval } from '../steps/approval.ts';
import { approvalInputSchema } from '../steps/approval-input.ts';
import type { BuiltinEvent } from './builtin-events.ts';
import { retrievalAction } from './context-retrieval.ts';
import type { WorkflowContext } from './workflow-context.ts';
import type { ApprovalOutput } from './workflow-io.ts';
import { evolveWorkflow, type WorkflowJournalEvent, type WorkflowState } from './workflow-journal.ts';
import { WorkflowLoopError } from './workflow-loop-error.ts';
import type { WorkflowSettings } from './workflow-settings.ts';
import {
  chat,
  chatAction,
  deniedResponse,
  runTool,
  toolAction,
  type WorkflowScope,
} from './workflow-steps.ts';

/** Why the runner runs: an input, or a timer of this agent. */
export type WorkflowTrigger =
  | { readonly kind: 'input'; readonly input: Json }
  | { readonly kind: 'timer'; readonly name: string };

type Action<Ev extends { readonly type: string }, Out> = (
  event: Ev | BuiltinEvent,
  ctx: WorkflowContext<Ev, Out>,
) => void | Promise<void>;

/** One `decide`: turns the trigger into events and runs the actions until the queue is empty. */
export async function runWorkflow<Ev extends { readonly type: string } & Json, Out extends Json>(
  settings: WorkflowSettings<Ev, Out>,
  start: WorkflowState,
  trigger: WorkflowTrigger,
  ctx: ActorContext<Out | ApprovalOutput>,
): Promise<WorkflowJournalEvent[]> {
  const scope: WorkflowScope<Ev, Out> = { settings, ctx };
  const journal: WorkflowJournalEvent[] = [];
  let state = start;
  const apply = (event: WorkflowJournalEvent): void => {
    journal.push(event);
    state = evolveWorkflow(state, event);
  };
  const queue: (Ev | BuiltinEvent)[] = [];

  const approval = approvalOf(trigger);
  if (approval) {
    const parked = state.parked;
    const resolved = resolveApproval(ctx, approval, (id) => parked[id] !== undefined);
    if (!resolved) return journal;
    const request = parked[resolved.requestId]?.request as Extract<BuiltinEvent, { type: 'ToolRequest' }>;
    apply(resolved);
    // An approved request runs now: the approval was all its tool action was waiting for.
    queue.push(resolved.approved ? await runTool(scope, request) : deniedResponse(request, resolved));
  } else if (trigger.kind === 'input') {
    queue.push(settings.start(trigger.input));
  }

  // Sensory memory: this input's alone.
  const scratch = new Map<string, unknown>();
  const workflowCtx: WorkflowContext<Ev, Out> = {
    key: ctx.key,
    send: (event) => queue.push(event),
    emit: (output) => {
      apply({ type: 'OutputEmitted', output });
      ctx.emit(output);
    },
    scratch: {
      get: (name) => scratch.get(name),
      set: (name, value) => {
        scratch.set(name, value);
      },
    },
    memory: {
      get: (name) => state.memory[name],
      set: (name, value) => apply({ type: 'MemorySet', name, value }),
    },
    chat: (request) => chat(scope, request),
    callTool: async (name, input) => {
      if (settings.tools.get(name)?.requiresApproval) {
        throw new Error(`tool "${name}" requires approval: send a ToolRequest event instead of calling it`);
      }
      return (await runTool(scope, { type: 'ToolRequest', id: name, tool: name, input })).result;
    },
    now: () => ctx.now(),
    random: () => ctx.random(),
  };

  let handled = 0;
  for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
    if (++handled > settings.maxEventsPerInput)
      throw new WorkflowLoopError(settings.name, settings.maxEventsPerInput);
    apply({ type: 'EventHandled', event: event as Json });
    const action = settings.actions[event.type as (Ev | BuiltinEvent)['type']] as Action<Ev, Out> | undefined;
    if (action) await action(event, workflowCtx);
    else if (event.type === 'ChatRequest')
      queue.push(await chatAction(scope, event as Extract<BuiltinEvent, { type: 'ChatRequest' }>));
    else if (event.type === 'ContextRetrievalRequest')
      queue.push(
        await retrievalAction(scope, event as Extract<BuiltinEvent, { type: 'ContextRetrievalRequest' }>),
      );
    else if (event.type === 'ToolRequest') {
      const next = await toolAction(scope, event as Extract<BuiltinEvent, { type: 'ToolRequest' }>, apply);
      if (next) queue.push(next);
    }
  }
  return journal;
}

/** The trigger as a matter of approvals (a timer, or a decision input); undefined for the workflow's own input. */
function approvalOf(trigger: WorkflowTrigger): ApprovalTrigger | undefined {
  if (trigger.kind === 'timer') return trigger;
  const decision = approvalInputSchema.safeParse(trigger.input);
  return decision.success ? { kind: 'decision', input: decision.data } : undefined;
}
