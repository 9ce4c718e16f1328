import { z } from 'zod';
import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { Json } from '../../core/store/store.ts';
import type { ChatMessage, ChatResponse } from '../models/chat-model.ts';
import { callTool } from './call-tool.ts';
import { parseAnswer } from './parse-answer.ts';
import type { ReactSettings } from './react-agent.ts';
import type { JournaledCall, ReactEvent } from './react-events.ts';
import type { ReactInput, ReactOutput } from './react-io.ts';
import { type ActiveRun, evolveReact, type ReactState, type StoredMessage } from './react-state.ts';

const APPROVAL_TIMER = 'approval:';

/** Why the loop runs: an input, or a timer of this agent. */
export type ReactTrigger =
  | { readonly kind: 'input'; readonly input: ReactInput }
  | { readonly kind: 'timer'; readonly name: string };

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
  const events: ReactEvent[] = [];
  let state = start;
  const apply = (event: ReactEvent): void => {
    events.push(event);
    state = evolveReact(state, event);
  };

  if (trigger.kind === 'timer') {
    const pending = state.run?.approval;
    if (
      !trigger.name.startsWith(APPROVAL_TIMER) ||
      pending?.requestId !== trigger.name.slice(APPROVAL_TIMER.length)
    ) {
      return events;
    }
    await resolveApproval(
      settings,
      state,
      apply,
      ctx,
      false,
      'timeout',
      'no decision before the request expired',
    );
  } else if (trigger.input.type === 'ask') {
    const runId = trigger.input.runId ?? ctx.input?.id ?? `${ctx.key}:${state.finished}`;
    apply({
      type: state.run || state.queue.length > 0 ? 'RunQueued' : 'RunStarted',
      runId,
      question: trigger.input.question,
    });
  } else {
    const { requestId, approved, by } = trigger.input;
    const pending = state.run?.approval;
    if (pending?.requestId !== requestId) {
      // Forged, replayed, or for a request that already ended: never let it move anything.
      ctx.emit({ type: 'approval-rejected', requestId, reason: 'no pending approval request has this id' });
      return events;
    }
    ctx.timers.cancel(APPROVAL_TIMER + requestId);
    await resolveApproval(settings, state, apply, ctx, approved, by, trigger.input.reason);
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
      if (free.length > 0) {
        const results = await Promise.all(free.map((c) => callTool(settings, run.runId, c, ctx)));
        for (const result of results) apply(result);
        continue;
      }
      requestApproval(settings, run, run.pendingCalls[0] as JournaledCall, apply, ctx);
      return events;
    }
    if (run.steps >= settings.maxSteps) {
      finishWithError(
        run,
        'step_limit',
        `no final answer within ${settings.maxSteps} model calls`,
        apply,
        ctx,
      );
      continue;
    }
    let answer: ChatResponse;
    try {
      answer = await callModel(settings, run, ctx);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      settings.trace?.({
        kind: 'error',
        agent: settings.name,
        key: ctx.key,
        runId: run.runId,
        error: message,
      });
      finishWithError(run, 'model_error', message, apply, ctx);
      continue;
    }
    apply({
      type: 'ModelAnswered',
      step: run.steps + 1,
      content: answer.content,
      reasoning: answer.reasoning ?? null,
      calls: answer.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: c.arguments })),
      usage: { inputTokens: answer.usage.inputTokens, outputTokens: answer.usage.outputTokens },
    });
    if (answer.toolCalls.length > 0) continue;
    const parsed = parseAnswer(answer.content, settings.output);
    const current = state.run as ActiveRun;
    if (parsed.ok) {
      apply({
        type: 'RunFinished',
        runId: current.runId,
        outcome: 'answer',
        answer: parsed.value,
        error: null,
      });
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
      finishWithError(current, 'invalid_output', parsed.error, apply, ctx);
    }
  }
}

async function resolveApproval(
  settings: ReactSettings,
  state: ReactState,
  apply: (e: ReactEvent) => void,
  ctx: ActorContext<ReactOutput>,
  approved: boolean,
  by: string,
  reason: string,
): Promise<void> {
  const run = state.run as ActiveRun;
  const pending = run.approval;
  if (!pending) return;
  const call = run.pendingCalls.find((c) => c.id === pending.callId);
  apply({ type: 'ApprovalResolved', requestId: pending.requestId, approved, by, reason });
  if (!call) return;
  if (approved) {
    apply(await callTool(settings, run.runId, call, ctx));
  } else {
    apply({
      type: 'ToolFinished',
      callId: call.id,
      name: call.name,
      ok: false,
      content: `not run: denied by ${by}${reason ? ` (${reason})` : ''}`,
    });
  }
}

function requestApproval(
  settings: ReactSettings,
  run: ActiveRun,
  call: JournaledCall,
  apply: (e: ReactEvent) => void,
  ctx: ActorContext<ReactOutput>,
): void {
  // Unique per key: run, model step and call; a random part makes it unguessable from outside.
  const nonce = Math.floor(ctx.random() * 2 ** 48).toString(36);
  const requestId = `${run.runId}/${run.steps}/${call.id}/${nonce}`;
  const expiresAt = ctx.now() + settings.approvalTimeoutMs;
  apply({ type: 'ApprovalRequested', requestId, callId: call.id, expiresAt });
  ctx.timers.setProcessingTime(APPROVAL_TIMER + requestId, expiresAt);
  ctx.emit({
    type: 'approval-request',
    runId: run.runId,
    requestId,
    tool: call.name,
    arguments: call.arguments,
    expiresAt,
  });
}

function finishWithError(
  run: ActiveRun,
  code: 'step_limit' | 'model_error' | 'invalid_output',
  error: string,
  apply: (e: ReactEvent) => void,
  ctx: ActorContext<ReactOutput>,
): void {
  apply({ type: 'RunFinished', runId: run.runId, outcome: 'error', answer: null, error });
  ctx.emit({ type: 'error', runId: run.runId, code, error, steps: run.steps });
}

/** One model call through `ctx.run`: journaled, so a replay reads it back instead of calling again. */
async function callModel(
  settings: ReactSettings,
  run: ActiveRun,
  ctx: ActorContext<ReactOutput>,
): Promise<ChatResponse> {
  const messages = toChatMessages(settings, run.messages);
  const tools = settings.tools.definitions();
  const recorded = await ctx.run('model', async (step) => {
    const started = performance.now();
    const answer = await settings.model.chat({
      messages,
      ...(tools.length > 0 ? { tools } : {}),
      ...(settings.parameters ? { parameters: settings.parameters } : {}),
    });
    const json = toJson(answer);
    settings.trace?.({
      kind: 'model',
      agent: settings.name,
      key: ctx.key,
      runId: run.runId,
      step: run.steps + 1,
      stepId: step.id,
      messages: toJson(messages),
      answer: json,
      ms: Math.round(performance.now() - started),
      inputTokens: answer.usage.inputTokens,
      outputTokens: answer.usage.outputTokens,
    });
    return json;
  });
  return recorded as unknown as ChatResponse;
}

function toChatMessages(settings: ReactSettings, stored: readonly StoredMessage[]): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const instructions = [settings.system, settings.output ? formatInstruction(settings) : undefined]
    .filter((s): s is string => s !== undefined && s !== '')
    .join('\n\n');
  if (instructions) messages.push({ role: 'system', content: instructions });
  for (const m of stored) {
    if (m.role === 'user') messages.push({ role: 'user', content: m.content });
    else if (m.role === 'assistant') {
      messages.push(
        m.calls.length > 0
          ? { role: 'assistant', content: m.content, toolCalls: m.calls }
          : { role: 'assistant', content: m.content },
      );
    } else {
      messages.push({
        role: 'tool',
        toolCallId: m.callId,
        name: m.name,
        content: m.content,
        isError: m.isError,
      });
    }
  }
  return messages;
}

function formatInstruction(settings: ReactSettings): string {
  const schema = settings.output ? JSON.stringify(z.toJSONSchema(settings.output)) : '{}';
  return `Give your final answer as one JSON value matching this JSON Schema, with no other text: ${schema}`;
}

/** Model answers and messages are plain data; JSON round-tripping drops undefined fields as the journal will. */
function toJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value)) as Json;
}
