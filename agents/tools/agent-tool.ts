import type { z } from 'zod';
import type { Json } from '../../core/store/store.ts';
import type { ChatMessage, ChatModel, ChatResponse, ToolCall } from '../models/chat-model.ts';
import { parseJsonAnswer } from '../models/json-answer.ts';
import { jsonSchemaOf } from '../models/structured.ts';
import { type Tool, type ToolResult, type ToolSource, type ToolSteps, toolError } from './tool.ts';
import { toolMessage } from './tool-message.ts';
import { Toolset } from './toolset.ts';
import { type TypedTool, tool } from './typed-tool.ts';

export interface AgentToolSpec<Input extends z.ZodObject, Output extends z.ZodType> {
  /** The tool's name, as the calling agent's model sees it. */
  readonly name: string;
  readonly description: string;
  /** What the caller passes (shown to its model as JSON Schema). */
  readonly input: Input;
  /** What the sub-agent answers, checked (one repair turn): the tool's result. */
  readonly output: Output;
  readonly model: ChatModel;
  readonly system: string;
  /** The sub-agent's own tools (typed, MCP, other agent tools). */
  readonly tools?: readonly (Tool | ToolSource)[];
  /** Model calls at most, before the call fails. Default 6. */
  readonly maxSteps?: number;
  /** Time limit of the whole sub-agent run. Default 5 minutes. */
  readonly timeoutMs?: number;
  /**
   * The calling agent asks a person before each call of this sub-agent (the
   * approval shows the sub-agent's input), and that approval covers the
   * `requiresApproval` tools the sub-agent uses in the run. Without it such a
   * tool is never called inside the sub-agent: its model gets a
   * `not_approved` result, because a sub-agent's run cannot park and wait for
   * a person. Default false.
   */
  readonly requiresApproval?: boolean;
}

/**
 * An agent as a tool of another agent: a ReAct loop of its own (model → its
 * tools, in parallel when the model asks for several → model … until an
 * answer that fits `output`). Every model answer and tool result of it is a
 * journaled step of the caller's call (`ToolCallContext.steps`), named after
 * the call, so a crash resumes inside the sub-agent: what it was told before
 * is read back, only what was in flight is asked again. Its side-effecting
 * tools get idempotency keys from those steps.
 *
 * @example
 * ```ts
 * const researcher = agentTool({
 *   name: 'research', description: 'Finds facts about a topic',
 *   input: z.object({ topic: z.string() }), output: z.object({ facts: z.array(z.string()) }),
 *   model: chatModel('openai:gpt-4o-mini'), system: 'You research topics.', tools: [search],
 * });
 * const lead = reactAgent({ name: 'lead', model, tools: [researcher, critic], output: Answer });
 * ```
 */
export function agentTool<Input extends z.ZodObject, Output extends z.ZodType>(
  spec: AgentToolSpec<Input, Output>,
): TypedTool<Input, Output> {
  const tools = new Toolset(spec.tools ?? []);
  const approved = spec.requiresApproval === true;
  if (!approved)
    for (const t of tools.tools())
      if (t.requiresApproval && (spec.tools ?? []).includes(t))
        throw new TypeError(
          `agent tool "${spec.name}": its tool "${t.name}" requires a person's approval, which a sub-agent cannot wait for; give "${t.name}" to the calling agent, or set requiresApproval: true on the agent tool so the caller asks before each call`,
        );
  const maxSteps = spec.maxSteps ?? 6;
  const system = `${spec.system}\n\nGive your final answer as one JSON value matching this JSON Schema, with no other text: ${JSON.stringify(jsonSchemaOf(spec.output))}`;
  return tool({
    name: spec.name,
    description: spec.description,
    input: spec.input,
    output: spec.output,
    timeoutMs: spec.timeoutMs ?? 300_000,
    requiresApproval: approved,
    run: async (input, { steps, signal }) => {
      if (!steps)
        throw new Error(
          `agent tool "${spec.name}" runs inside an agent: it journals its calls in the agent's steps`,
        );
      const messages: ChatMessage[] = [
        { role: 'system', content: system },
        { role: 'user', content: JSON.stringify(input) },
      ];
      let repaired = false;
      for (let step = 1; step <= maxSteps; step++) {
        const offered = tools.tools().map((t) => t.definition);
        const answer = (await steps.run(`model:${step}`, async () =>
          plain(
            await spec.model.chat({ messages, ...(offered.length > 0 ? { tools: offered } : {}), signal }),
          ),
        )) as unknown as ChatResponse;
        if (answer.toolCalls.length > 0) {
          messages.push({ role: 'assistant', content: answer.content, toolCalls: answer.toolCalls });
          const results = await Promise.all(
            answer.toolCalls.map((call) => runTool(tools, steps, step, call, signal, approved)),
          );
          for (const [i, call] of answer.toolCalls.entries())
            messages.push(toolMessage(call, results[i] as ToolResult));
          continue;
        }
        const json = parseJsonAnswer(answer.content);
        const parsed = json.ok ? spec.output.safeParse(json.value) : undefined;
        if (parsed?.success) return parsed.data as z.input<Output>;
        if (repaired) break;
        repaired = true;
        messages.push(
          { role: 'assistant', content: answer.content },
          { role: 'user', content: 'That does not fit the schema: answer again with the JSON only.' },
        );
      }
      throw new Error(
        `agent tool "${spec.name}" gave no answer that fits its output within ${maxSteps} model calls`,
      );
    },
  });
}

function runTool(
  tools: Toolset,
  steps: ToolSteps,
  step: number,
  call: ToolCall,
  signal: AbortSignal,
  approved: boolean,
): Promise<ToolResult> {
  const prefix = `tool:${step}:${call.id}`;
  return steps.run(prefix, ({ id }) =>
    // An MCP source's tools are known only now: one that needs approval is refused (and journaled so), not called.
    !approved && tools.get(call.name)?.requiresApproval
      ? toolError(
          'not_approved',
          `tool "${call.name}" needs a person's approval, which this sub-agent cannot ask for; answer without it, or say that a person must do it`,
        )
      : tools.execute(call, {
          idempotencyKey: id,
          signal,
          // An agent tool inside this one journals under this call's name.
          steps: { run: (name, fn) => steps.run(`${prefix}/${name}`, fn) },
        }),
  ) as unknown as Promise<ToolResult>;
}

/** A model answer as the journal keeps it: plain JSON. */
function plain(answer: ChatResponse): Json {
  return JSON.parse(JSON.stringify(answer)) as Json;
}
