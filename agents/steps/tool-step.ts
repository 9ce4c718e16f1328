import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { Json, MemoryChange } from '../../core/store/store.ts';
import { inSpan, SpanStatusCode } from '../../core/telemetry/tracer.ts';
import type { ToolCall } from '../models/chat-model.ts';
import { runWithDeadline } from '../tools/run-with-deadline.ts';
import { DEFAULT_TOOL_TIMEOUT_MS, type ToolResult, type ToolSteps, toolError } from '../tools/tool.ts';
import type { Toolset } from '../tools/toolset.ts';
import type { StepScope } from './step-scope.ts';

/**
 * How long past its own time limit a tool gets before the step gives up on
 * it. Typed and MCP tools keep their limits themselves; a `Tool` written by
 * hand may not, and an agent's key must not wait on it forever.
 */
const GRACE_MS = 1_000;

/** A tool step also names its caller to the tools and makes their memory writes. */
export type ToolScope = StepScope & {
  readonly ctx: Pick<ActorContext, 'actor' | 'key' | 'run' | 'runNamed' | 'writeMemory'>;
};

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
export function toolStep<R extends Json>(scope: ToolScope, step: ToolStep<R>): Promise<R> {
  const { ctx, trace } = scope;
  const { call } = step;
  const recorded = ctx.run(`tool:${call.name}`, async (info) => {
    const started = performance.now();
    const result = await inSpan(
      `execute_tool ${call.name}`,
      {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': call.name,
        'gen_ai.tool.call.id': call.id,
        'gen_ai.tool.type': 'function',
        'gen_ai.agent.name': scope.agent,
        'eddy.key': ctx.key,
        'eddy.step.id': info.id,
      },
      async (span) => {
        // Steps of the call itself (a sub-agent's model calls) are named after this step: unique, whatever their order.
        const steps: ToolSteps = { run: (name, fn) => ctx.runNamed(`${info.id}/${name}`, fn) };
        const r = await callWithDeadline(
          step.tools,
          call,
          info.id,
          { actor: ctx.actor, key: ctx.key },
          steps,
        );
        // A failed call is a result the model reads, not a throw: the span says it failed all the same.
        if (!r.ok)
          span.setStatus({ code: SpanStatusCode.ERROR, message: `${r.error.kind}: ${r.error.message}` });
        return r;
      },
    );
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
    return withMemory(step.record(withoutMemory(result)), result);
  });
  // The writes ride in the step's record, so a re-run that reads the record back makes them too.
  return recorded.then((record) => {
    if (!hasMemory(record)) return record;
    for (const change of record[MEMORY]) ctx.writeMemory(change);
    return Object.fromEntries(Object.entries(record).filter(([name]) => name !== MEMORY)) as unknown as R;
  });
}

/** The result as the agent keeps it: the writes go beside it, once. */
function withoutMemory(result: ToolResult): ToolResult {
  if (!result.ok || result.memory === undefined) return result;
  const { memory: _writes, ...rest } = result;
  return rest;
}

/** Where a step's record keeps the call's memory writes. */
const MEMORY = '$memory';

function withMemory<R extends Json>(record: R, result: ToolResult): R {
  if (!result.ok || !result.memory?.length || !isObject(record)) return record;
  return { ...(record as object), [MEMORY]: result.memory } as unknown as R;
}

function hasMemory(
  record: Json,
): record is { readonly [k: string]: Json } & { readonly [MEMORY]: MemoryChange[] } {
  return isObject(record) && Array.isArray(record[MEMORY]);
}

function isObject(value: Json): value is { readonly [k: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A result as the model reads it in its tool message: the value as JSON, or the error's kind and message. */
export function toolResultText(result: ToolResult): string {
  return result.ok ? JSON.stringify(result.value) : `${result.error.kind}: ${result.error.message}`;
}

async function callWithDeadline(
  tools: Toolset,
  call: ToolCall,
  idempotencyKey: string,
  caller: { readonly actor: string; readonly key: string },
  steps: ToolSteps,
): Promise<ToolResult> {
  try {
    const limit = (tools.get(call.name)?.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS) + GRACE_MS;
    const outcome = await runWithDeadline(
      (signal) => tools.execute(call, { idempotencyKey, signal, caller, steps }),
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
