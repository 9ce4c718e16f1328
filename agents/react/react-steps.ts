import type { ActorContext } from '../../core/actor/actor-context.ts';
import { type ApprovalResolved, deniedText, openApproval } from '../steps/approval.ts';
import { type ModelStepOutcome, modelStep } from '../steps/model-step.ts';
import { type ToolScope, toolResultText, toolStep } from '../steps/tool-step.ts';
import type { JournaledCall, ModelAnswered, ReactEvent, ToolFinished } from './react-events.ts';
import type { ReactOutput } from './react-io.ts';
import { reactMessages } from './react-prompt.ts';
import type { ReactSettings } from './react-settings.ts';
import type { ActiveRun } from './react-state.ts';

/** What a ReAct agent's steps run in: its settings and the ctx of the current decide. */
export interface ReactScope {
  readonly settings: ReactSettings;
  readonly ctx: ActorContext<ReactOutput>;
}

/**
 * The run's next model call. The step journals the answer as the
 * `ModelAnswered` event itself, so the event the loop applies is the step's
 * record and the journal keeps the answer once.
 */
export function askModel(scope: ReactScope, run: ActiveRun): Promise<ModelStepOutcome<ModelAnswered>> {
  const { settings } = scope;
  const tools = settings.tools.definitions();
  const step = run.steps + 1;
  return modelStep(stepScope(scope, run), {
    name: 'model',
    model: settings.model,
    request: {
      messages: reactMessages(settings, run.messages),
      ...(tools.length > 0 ? { tools } : {}),
      ...(settings.parameters ? { parameters: settings.parameters } : {}),
    },
    step,
    record: (answer) => ({
      type: 'ModelAnswered',
      step,
      content: answer.content,
      reasoning: answer.reasoning ?? null,
      calls: answer.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
      usage: { inputTokens: answer.usage.inputTokens, outputTokens: answer.usage.outputTokens },
    }),
  });
}

/** One of the run's tool calls, journaled as the `ToolFinished` event the model will read. */
export function runTool(scope: ReactScope, run: ActiveRun, call: JournaledCall): Promise<ToolFinished> {
  return toolStep(stepScope(scope, run), {
    tools: scope.settings.tools,
    call,
    record: (result) => ({
      type: 'ToolFinished',
      callId: call.id,
      name: call.name,
      ok: result.ok,
      content: toolResultText(result),
    }),
  });
}

/** Asks a human before `call` runs: the request's event, timer and output. */
export function requestApproval(scope: ReactScope, run: ActiveRun, call: JournaledCall): ReactEvent {
  // Unique per key by run, model step and call.
  const { requestId, expiresAt } = openApproval(
    scope.ctx,
    `${run.runId}/${run.steps}/${call.id}`,
    scope.settings.approvalTimeoutMs,
    (opened): ReactOutput => ({
      type: 'approval-request',
      runId: run.runId,
      requestId: opened.requestId,
      tool: call.name,
      arguments: call.arguments,
      expiresAt: opened.expiresAt,
    }),
  );
  return { type: 'ApprovalRequested', requestId, callId: call.id, expiresAt };
}

/** What the model reads of a call a human (or the expiry) denied. */
export function deniedCall(call: JournaledCall, resolved: ApprovalResolved): ToolFinished {
  return { type: 'ToolFinished', callId: call.id, name: call.name, ok: false, content: deniedText(resolved) };
}

function stepScope(scope: ReactScope, run: ActiveRun): ToolScope {
  return { agent: scope.settings.name, runId: run.runId, ctx: scope.ctx, trace: scope.settings.trace };
}
