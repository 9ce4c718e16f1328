import type { Json } from '../../core/store/store.ts';
import type { ToolCall } from '../models/chat-model.ts';
import { runWithDeadline } from '../tools/run-with-deadline.ts';
import { DEFAULT_TOOL_TIMEOUT_MS, type ToolResult, toolError } from '../tools/tool.ts';
import type { Toolset } from '../tools/toolset.ts';
import type { StepScope } from './step-scope.ts';

/**
 * How long past its own time limit a tool gets before the step gives up on
 * it. Typed and MCP tools keep their limits themselves; a `Tool` written by
 * hand may not, and an agent's key must not wait on it forever.
 */
const GRACE_MS = 1_000;

/** One tool call of an agent. */
export interface ToolStep<R extends Json> {
  readonly tools: Toolset;
  /** The call as the model asked for it: `arguments` is raw JSON text, checked by the tool. */
  readonly call: ToolCall;
  /** What the journal keeps of the result; journal it as it is, as for `ModelStep.record`. */
  readonly record: (result: ToolResult) => R;
}

/**
 * Calls a tool once, through `ctx.run`: the result's record is journaled
 * before the agent uses it, and a re-run after a crash reads it back. The
 * step's id is the call's idempotency key, so a call in flight at a crash
 * runs again under the same key and a side effect happens once. Everything
 * that can go wrong with the call (an unknown tool, malformed arguments, a
 * failure, a throw, no answer by the deadline) is a result the model can read.
 *
 * @example
 * const finished = await toolStep(scope, { tools, call, record: (result) => toolResultText(result) });
 */
export function toolStep<R extends Json>(scope: StepScope, step: ToolStep<R>): Promise<R> {
  const { ctx, trace } = scope;
  const { call } = step;
  return ctx.run(`tool:${call.name}`, async (info) => {
    const started = performance.now();
    const result = await callWithDeadline(step.tools, call, info.id);
    trace?.({
      kind: 'tool',
      agent: scope.agent,
      key: ctx.key,
      runId: scope.runId,
      tool: call.name,
      stepId: info.id,
      arguments: call.arguments,
      ok: result.ok,
      result: result.ok ? result.value : result.error,
      ms: Math.round(performance.now() - started),
    });
    return step.record(result);
  });
}

/** A result as the model reads it in its tool message: the value as JSON, or the error's kind and message. */
export function toolResultText(result: ToolResult): string {
  return result.ok ? JSON.stringify(result.value) : `${result.error.kind}: ${result.error.message}`;
}

async function callWithDeadline(tools: Toolset, call: ToolCall, idempotencyKey: string): Promise<ToolResult> {
  try {
    const limit = (tools.get(call.name)?.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS) + GRACE_MS;
    const outcome = await runWithDeadline(
      (signal) => tools.execute(call, { idempotencyKey, signal }),
      limit,
      undefined,
    );
    if (outcome.kind === 'done') return outcome.value;
    if (outcome.kind === 'timeout') {
      return toolError('timeout', `tool "${call.name}" gave no answer within ${limit} ms`);
    }
    return toolError('failed', messageOf(outcome.error));
  } catch (error) {
    // The toolset itself can throw (two tools of one name): the model is told, the run goes on.
    return toolError('failed', messageOf(error));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
