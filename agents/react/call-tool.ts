import type { ActorContext } from '../../core/actor/actor-context.ts';
import type { ToolOutcome } from './agent-tool.ts';
import type { ReactSettings } from './react-agent.ts';
import type { JournaledCall, ReactEvent } from './react-events.ts';
import type { ReactOutput } from './react-io.ts';

/**
 * One tool call through `ctx.run`: its result is journaled before the model
 * sees it, and a re-run after a crash reads it back. A call in flight at the
 * crash runs again with the same idempotency key (the step's id). Unknown
 * tools, thrown errors and timeouts become error results the model can read.
 */
export async function callTool(
  settings: ReactSettings,
  runId: string,
  call: JournaledCall,
  ctx: ActorContext<ReactOutput>,
): Promise<Extract<ReactEvent, { type: 'ToolFinished' }>> {
  const outcome = (await ctx.run(`tool:${call.name}`, async (step) => {
    const started = performance.now();
    const result = await invoke(settings, call, step.id);
    settings.trace?.({
      kind: 'tool',
      agent: settings.name,
      key: ctx.key,
      runId,
      tool: call.name,
      stepId: step.id,
      arguments: call.arguments,
      ok: result.ok,
      result: result.ok ? result.content : result.error,
      ms: Math.round(performance.now() - started),
    });
    return result;
  })) as ToolOutcome;
  return {
    type: 'ToolFinished',
    callId: call.id,
    name: call.name,
    ok: outcome.ok,
    content: outcome.ok ? JSON.stringify(outcome.content) : outcome.error,
  };
}

async function invoke(
  settings: ReactSettings,
  call: JournaledCall,
  idempotencyKey: string,
): Promise<ToolOutcome> {
  const tool = settings.tools.get(call.name);
  if (!tool) {
    const known = [...settings.tools.keys()].join(', ') || 'none';
    return { ok: false, error: `there is no tool "${call.name}"; the tools are: ${known}` };
  }
  const timeout = AbortSignal.timeout(settings.toolTimeoutMs);
  try {
    return await Promise.race([
      tool.call(call.arguments, { idempotencyKey, signal: timeout }),
      new Promise<ToolOutcome>((resolve) =>
        timeout.addEventListener('abort', () =>
          resolve({ ok: false, error: `tool "${call.name}" timed out after ${settings.toolTimeoutMs} ms` }),
        ),
      ),
    ]);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
