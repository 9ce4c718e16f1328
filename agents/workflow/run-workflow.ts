import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { Json } from '../../core/store/store.ts';
import type { ChatMessage, ChatResponse } from '../models/chat-model.ts';
import type { Tool, ToolResult } from '../tools/tool.ts';
import type { BuiltinEvent, WorkflowMessage } from './builtin-events.ts';
import type { WorkflowSettings } from './workflow-agent.ts';
import type { WorkflowContext } from './workflow-context.ts';
import { type ApprovalOutput, approvalInputSchema } from './workflow-io.ts';
import { evolveWorkflow, type WorkflowJournalEvent, type WorkflowState } from './workflow-journal.ts';

const APPROVAL_TIMER = 'approval:';

export type WorkflowTrigger =
  | { readonly kind: 'input'; readonly input: Json }
  | { readonly kind: 'timer'; readonly name: string };

/** Thrown when the actions send more events for one input than allowed: a loop. */
export class WorkflowLoopError extends Error {
  constructor(agent: string, limit: number) {
    super(
      `agent "${agent}" handled ${limit} events for one input: an action probably sends events in a loop; ` +
        'fix the actions or raise maxEventsPerInput',
    );
    this.name = 'WorkflowLoopError';
  }
}

/** One `decide`: turns the trigger into events and runs the actions until the queue is empty. */
export async function runWorkflow<Ev extends { readonly type: string } & Json, Out extends Json>(
  settings: WorkflowSettings<Ev, Out>,
  start: WorkflowState,
  trigger: WorkflowTrigger,
  ctx: ActorContext<Out | ApprovalOutput>,
): Promise<WorkflowJournalEvent[]> {
  const journal: WorkflowJournalEvent[] = [];
  let state = start;
  const apply = (event: WorkflowJournalEvent): void => {
    journal.push(event);
    state = evolveWorkflow(state, event);
  };
  const queue: (Ev | BuiltinEvent)[] = [];

  if (trigger.kind === 'timer') {
    const requestId = trigger.name.slice(APPROVAL_TIMER.length);
    if (!trigger.name.startsWith(APPROVAL_TIMER) || !state.parked[requestId]) return journal;
    queue.push(resolve(state, requestId, false, 'timeout', 'no decision before the request expired', apply));
  } else {
    const approval = approvalInputSchema.safeParse(trigger.input);
    if (approval.success) {
      const { requestId, approved, by, reason } = approval.data;
      if (!state.parked[requestId]) {
        ctx.emit({ type: 'approval-rejected', requestId, reason: 'no pending approval request has this id' });
        return journal;
      }
      ctx.timers.cancel(APPROVAL_TIMER + requestId);
      const request = resolve(state, requestId, approved, by, reason, apply);
      if (approved && request.type === 'ToolRequest') queue.push(await runTool(settings, request, ctx));
      else queue.push(request);
    } else {
      queue.push(settings.start(trigger.input));
    }
  }

  const workflowCtx: WorkflowContext<Ev, Out> = {
    key: ctx.key,
    send: (event) => queue.push(event),
    emit: (output) => {
      apply({ type: 'OutputEmitted', output });
      ctx.emit(output);
    },
    memory: {
      get: (name) => state.memory[name],
      set: (name, value) => apply({ type: 'MemorySet', name, value }),
    },
    chat: (request) => chat(settings, request, ctx),
    callTool: async (name, input) => {
      if (settings.tools.get(name)?.requiresApproval) {
        throw new Error(`tool "${name}" requires approval: send a ToolRequest event instead of calling it`);
      }
      const response = await runTool(settings, { type: 'ToolRequest', id: name, tool: name, input }, ctx);
      return response.type === 'ToolResponse'
        ? response.result
        : { ok: false, error: { kind: 'failed', message: 'no result' } };
    },
    now: () => ctx.now(),
    random: () => ctx.random(),
  };

  let handled = 0;
  for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
    if (++handled > settings.maxEventsPerInput)
      throw new WorkflowLoopError(settings.name, settings.maxEventsPerInput);
    apply({ type: 'EventHandled', event: event as Json });
    const action = settings.actions[event.type as (Ev | BuiltinEvent)['type']] as
      | ((e: Ev | BuiltinEvent, c: WorkflowContext<Ev, Out>) => void | Promise<void>)
      | undefined;
    if (action) await action(event, workflowCtx);
    else if (event.type === 'ChatRequest')
      queue.push(await chatAction(settings, event as Extract<BuiltinEvent, { type: 'ChatRequest' }>, ctx));
    else if (event.type === 'ToolRequest') {
      const next = await toolAction(
        settings,
        event as Extract<BuiltinEvent, { type: 'ToolRequest' }>,
        apply,
        ctx,
      );
      if (next) queue.push(next);
    }
  }
  return journal;
}

/** Ends a parked request: the request comes back, to run (approved) or to answer as denied. */
function resolve(
  state: WorkflowState,
  requestId: string,
  approved: boolean,
  by: string,
  reason: string,
  apply: (e: WorkflowJournalEvent) => void,
): BuiltinEvent {
  const request = state.parked[requestId]?.request as Extract<BuiltinEvent, { type: 'ToolRequest' }>;
  apply({ type: 'ApprovalResolved', requestId, approved, by, reason });
  if (approved) return request;
  return {
    type: 'ToolResponse',
    id: request.id,
    tool: request.tool,
    result: {
      ok: false,
      error: { kind: 'failed', message: `not run: denied by ${by}${reason ? ` (${reason})` : ''}` },
    },
  };
}

async function chatAction<Ev extends { readonly type: string }, Out extends Json>(
  settings: WorkflowSettings<Ev, Out>,
  request: Extract<BuiltinEvent, { type: 'ChatRequest' }>,
  ctx: ActorContext<Out | ApprovalOutput>,
): Promise<BuiltinEvent> {
  try {
    const answer = await chat(settings, request, ctx);
    return {
      type: 'ChatResponse',
      id: request.id,
      content: answer.content,
      toolCalls: answer.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
      error: null,
    };
  } catch (error) {
    return {
      type: 'ChatResponse',
      id: request.id,
      content: '',
      toolCalls: [],
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

async function chat<Ev extends { readonly type: string }, Out extends Json>(
  settings: WorkflowSettings<Ev, Out>,
  request: {
    readonly messages: readonly WorkflowMessage[];
    readonly tools?: readonly string[];
    readonly model?: string;
  },
  ctx: ActorContext<Out | ApprovalOutput>,
): Promise<ChatResponse> {
  const name = request.model ?? [...settings.models.keys()][0];
  const model = name === undefined ? undefined : settings.models.get(name);
  if (!model) throw new Error(`agent "${settings.name}" has no model "${name ?? '(none configured)'}"`);
  const tools = (request.tools ?? []).map((t) => {
    const tool = settings.tools.get(t);
    if (!tool) throw new Error(`agent "${settings.name}" has no tool "${t}"`);
    return tool.definition;
  });
  const messages = request.messages.map(toChatMessage);
  const answer = await ctx.run(`chat:${name}`, async (step) => {
    const started = performance.now();
    const response = await model.chat({ messages, ...(tools.length > 0 ? { tools } : {}) });
    const json = JSON.parse(JSON.stringify(response)) as Json;
    settings.trace?.({
      kind: 'model',
      agent: settings.name,
      key: ctx.key,
      runId: ctx.input?.id ?? '',
      step: 0,
      stepId: step.id,
      messages: JSON.parse(JSON.stringify(messages)) as Json,
      answer: json,
      ms: Math.round(performance.now() - started),
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
    });
    return json;
  });
  return answer as unknown as ChatResponse;
}

function toChatMessage(m: WorkflowMessage): ChatMessage {
  switch (m.role) {
    case 'tool':
      return {
        role: 'tool',
        toolCallId: m.toolCallId ?? '',
        name: m.name ?? '',
        content: m.content,
        isError: m.isError ?? false,
      };
    case 'assistant':
      return m.toolCalls
        ? { role: 'assistant', content: m.content, toolCalls: m.toolCalls }
        : { role: 'assistant', content: m.content };
    default:
      return { role: m.role, content: m.content };
  }
}

async function toolAction<Ev extends { readonly type: string }, Out extends Json>(
  settings: WorkflowSettings<Ev, Out>,
  request: Extract<BuiltinEvent, { type: 'ToolRequest' }>,
  apply: (e: WorkflowJournalEvent) => void,
  ctx: ActorContext<Out | ApprovalOutput>,
): Promise<BuiltinEvent | undefined> {
  if (!settings.tools.get(request.tool)?.requiresApproval) return runTool(settings, request, ctx);
  const nonce = Math.floor(ctx.random() * 2 ** 48).toString(36);
  const requestId = `${request.id}/${nonce}`;
  const expiresAt = ctx.now() + settings.approvalTimeoutMs;
  apply({ type: 'ApprovalRequested', requestId, request: request as Json, expiresAt });
  ctx.timers.setProcessingTime(APPROVAL_TIMER + requestId, expiresAt);
  ctx.emit({ type: 'approval-request', requestId, tool: request.tool, input: request.input, expiresAt });
  return undefined;
}

async function runTool<Ev extends { readonly type: string }, Out extends Json>(
  settings: WorkflowSettings<Ev, Out>,
  request: Extract<BuiltinEvent, { type: 'ToolRequest' }>,
  ctx: ActorContext<Out | ApprovalOutput>,
): Promise<BuiltinEvent> {
  const tool = settings.tools.get(request.tool);
  const result = (await ctx.run(`tool:${request.tool}`, async (step): Promise<Json> => {
    const started = performance.now();
    const outcome = await callOnce(tool, request, step.id);
    settings.trace?.({
      kind: 'tool',
      agent: settings.name,
      key: ctx.key,
      runId: ctx.input?.id ?? '',
      tool: request.tool,
      stepId: step.id,
      arguments: JSON.stringify(request.input),
      ok: outcome.ok,
      result: (outcome.ok ? outcome.value : outcome.error) as Json,
      ms: Math.round(performance.now() - started),
    });
    return outcome as Json;
  })) as unknown as ToolResult;
  return { type: 'ToolResponse', id: request.id, tool: request.tool, result };
}

async function callOnce(
  tool: Tool | undefined,
  request: Extract<BuiltinEvent, { type: 'ToolRequest' }>,
  idempotencyKey: string,
): Promise<ToolResult> {
  if (!tool)
    return { ok: false, error: { kind: 'unknown_tool', message: `there is no tool "${request.tool}"` } };
  try {
    return await tool.call(request.input, { idempotencyKey });
  } catch (error) {
    return {
      ok: false,
      error: { kind: 'failed', message: error instanceof Error ? error.message : String(error) },
    };
  }
}
