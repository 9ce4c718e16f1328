import { inSpan } from '../../core/telemetry/tracer.ts';

/**
 * One agent run (an input or a timer of one key) as an `invoke_agent` span of
 * the GenAI conventions: the model and tool calls it makes nest under it.
 */
export function agentSpan<T>(agent: string, key: string, run: () => Promise<T>): Promise<T> {
  return inSpan(
    `invoke_agent ${agent}`,
    { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent, 'eddy.key': key },
    run,
  );
}
