import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { ToolResult } from '../tools/tool.ts';
import type { ReactSettings } from './react-agent.ts';
import type { JournaledCall, ReactEvent } from './react-events.ts';
import type { ReactOutput } from './react-io.ts';

/**
 * One tool call through `ctx.run`: its result is journaled before the model
 * sees it, and a re-run after a crash reads it back. A call in flight at the
 * crash runs again with the same idempotency key (the step's id). Unknown
 * tools, malformed arguments, failures and timeouts become error results the
 * model can read.
 */
export async function callTool(
  settings: ReactSettings,
  runId: string,
  call: JournaledCall,
  ctx: ActorContext<ReactOutput>,
): Promise<Extract<ReactEvent, { type: 'ToolFinished' }>> {
  const result = (await ctx.run(`tool:${call.name}`, async (step) => {
    const started = performance.now();
    const outcome = await invoke(settings, call, step.id);
    settings.trace?.({
      kind: 'tool',
      agent: settings.name,
      key: ctx.key,
      runId,
      tool: call.name,
      stepId: step.id,
      arguments: call.arguments,
      ok: outcome.ok,
      result: outcome.ok ? outcome.value : outcome.error,
      ms: Math.round(performance.now() - started),
    });
    return outcome;
  })) as ToolResult;
  return {
    type: 'ToolFinished',
    callId: call.id,
    name: call.name,
    ok: result.ok,
    content: result.ok ? JSON.stringify(result.value) : `${result.error.kind}: ${result.error.message}`,
  };
}

async function invoke(
  settings: ReactSettings,
  call: JournaledCall,
  idempotencyKey: string,
): Promise<ToolResult> {
  try {
    return await settings.tools.execute(call, { idempotencyKey });
  } catch (error) {
    return {
      ok: false,
      error: { kind: 'failed', message: error instanceof Error ? error.message : String(error) },
    };
  }
}
