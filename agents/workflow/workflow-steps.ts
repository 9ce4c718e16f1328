import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { Json } from '../../core/store/store.ts';
import type { ChatModel, ChatRequest, ChatResponse, ToolDefinition } from '../models/chat-model.ts';
import { type ApprovalResolved, deniedText, openApproval } from '../steps/approval.ts';
import { failureText, type ModelStepOutcome, modelStep } from '../steps/model-step.ts';
import { plainJson } from '../steps/plain-json.ts';
import { type ToolScope, toolStep } from '../steps/tool-step.ts';
import type { ToolResult } from '../tools/tool.ts';
import type { BuiltinEvent } from './builtin-events.ts';
import type { WorkflowChat } from './workflow-context.ts';
import type { ApprovalOutput } from './workflow-io.ts';
import type { WorkflowJournalEvent } from './workflow-journal.ts';
import { chatMessage } from './workflow-messages.ts';
import type { WorkflowSettings } from './workflow-settings.ts';

type ChatResponseEvent = Extract<BuiltinEvent, { type: 'ChatResponse' }>;
type ToolRequestEvent = Extract<BuiltinEvent, { type: 'ToolRequest' }>;
type ToolResponseEvent = Extract<BuiltinEvent, { type: 'ToolResponse' }>;

/** What a workflow's steps run in: its settings and the ctx of the current decide. */
export interface WorkflowScope<Ev extends { readonly type: string }, Out extends Json> {
  readonly settings: WorkflowSettings<Ev, Out>;
  readonly ctx: ActorContext<Out | ApprovalOutput>;
}

/** `ctx.chat`: one model call whose whole answer the action gets; rejects as the model did. */
export async function chat<Ev extends { readonly type: string }, Out extends Json>(
  scope: WorkflowScope<Ev, Out>,
  request: WorkflowChat,
): Promise<ChatResponse> {
  const outcome = await ask(scope, request, (answer) => plainJson(answer));
  if (!outcome.ok) throw outcome.error;
  return outcome.record as unknown as ChatResponse;
}

/**
 * The built-in action of a `ChatRequest`: the answer as a `ChatResponse`
 * event, which the model step journals as it is, so that handling the event
 * refers to the step's record instead of copying the answer. A failure is a
 * `ChatResponse` with `error` set, for the workflow to act on.
 */
export async function chatAction<Ev extends { readonly type: string }, Out extends Json>(
  scope: WorkflowScope<Ev, Out>,
  request: Extract<BuiltinEvent, { type: 'ChatRequest' }>,
): Promise<ChatResponseEvent> {
  const outcome = await ask(
    scope,
    request,
    (answer): ChatResponseEvent => ({
      type: 'ChatResponse',
      id: request.id,
      content: answer.content,
      toolCalls: answer.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
      error: null,
    }),
  );
  if (outcome.ok) return outcome.record;
  return { type: 'ChatResponse', id: request.id, content: '', toolCalls: [], error: outcome.message };
}

/** One tool call, journaled as the `ToolResponse` event the workflow handles next. */
export function runTool<Ev extends { readonly type: string }, Out extends Json>(
  scope: WorkflowScope<Ev, Out>,
  request: ToolRequestEvent,
): Promise<ToolResponseEvent> {
  return toolStep(stepScope(scope), {
    tools: scope.settings.tools,
    call: { id: request.id, name: request.tool, arguments: JSON.stringify(request.input) },
    record: (result): ToolResponseEvent => ({
      type: 'ToolResponse',
      id: request.id,
      tool: request.tool,
      result,
    }),
  });
}

/**
 * The built-in action of a `ToolRequest`: runs the tool, or parks the request
 * (journaled, with an approval request out and an expiry timer) when the
 * tool requires a human's approval; then there is no response yet.
 */
export async function toolAction<Ev extends { readonly type: string }, Out extends Json>(
  scope: WorkflowScope<Ev, Out>,
  request: ToolRequestEvent,
  apply: (event: WorkflowJournalEvent) => void,
): Promise<ToolResponseEvent | undefined> {
  const { settings, ctx } = scope;
  if (!settings.tools.get(request.tool)?.requiresApproval) return runTool(scope, request);
  const { requestId, expiresAt } = openApproval<ApprovalOutput>(
    ctx,
    request.id,
    settings.approvalTimeoutMs,
    (opened): ApprovalOutput => ({
      type: 'approval-request',
      requestId: opened.requestId,
      tool: request.tool,
      input: request.input,
      expiresAt: opened.expiresAt,
    }),
  );
  apply({ type: 'ApprovalRequested', requestId, request: request as Json, expiresAt });
  return undefined;
}

/** The answer to a parked request that was denied (by a human or by its expiry). */
export function deniedResponse(request: ToolRequestEvent, resolved: ApprovalResolved): ToolResponseEvent {
  const result: ToolResult = { ok: false, error: { kind: 'failed', message: deniedText(resolved) } };
  return { type: 'ToolResponse', id: request.id, tool: request.tool, result };
}

/** The model call itself; a request naming a model or tool the agent lacks fails like the model would. */
function ask<Ev extends { readonly type: string }, Out extends Json, R extends Json>(
  scope: WorkflowScope<Ev, Out>,
  request: WorkflowChat,
  record: (answer: ChatResponse) => R,
): Promise<ModelStepOutcome<R>> {
  const prepared = prepare(scope.settings, request);
  if ('error' in prepared) {
    return Promise.resolve({ ok: false, error: prepared.error, message: failureText(prepared.error) });
  }
  return modelStep(stepScope(scope), {
    name: `chat:${prepared.name}`,
    model: prepared.model,
    request: prepared.request,
    step: 0,
    record,
  });
}

function prepare<Ev extends { readonly type: string }, Out extends Json>(
  settings: WorkflowSettings<Ev, Out>,
  request: WorkflowChat,
):
  | { readonly name: string; readonly model: ChatModel; readonly request: ChatRequest }
  | { readonly error: unknown } {
  const name = request.model ?? [...settings.models.keys()][0];
  const model = name === undefined ? undefined : settings.models.get(name);
  if (name === undefined || !model) {
    return { error: new Error(`agent "${settings.name}" has no model "${name ?? '(none configured)'}"`) };
  }
  const tools: ToolDefinition[] = [];
  try {
    for (const t of request.tools ?? []) {
      const tool = settings.tools.get(t);
      if (!tool) return { error: new Error(`agent "${settings.name}" has no tool "${t}"`) };
      tools.push(tool.definition);
    }
  } catch (error) {
    // Two tools of one name (a tool source changed): the request cannot go out as asked.
    return { error };
  }
  const messages = request.messages.map(chatMessage);
  return { name, model, request: { messages, ...(tools.length > 0 ? { tools } : {}) } };
}

function stepScope<Ev extends { readonly type: string }, Out extends Json>(
  scope: WorkflowScope<Ev, Out>,
): ToolScope {
  return {
    agent: scope.settings.name,
    runId: scope.ctx.input?.id ?? '',
    ctx: scope.ctx,
    trace: scope.settings.trace,
  };
}
