import type { ZodType } from 'zod';
import type { ActorContext } from '../../core/actor/actor-context.ts';
import { type ActorDefinition, defineActor } from '../../core/actor/actor-definition.ts';
import type { Json } from '../../core/store/store.ts';
import type { ChatModel, ChatParameters } from '../models/chat-model.ts';
import { agentSpan } from '../steps/agent-span.ts';
import type { TraceSink } from '../steps/trace.ts';
import type { Tool, ToolSource } from '../tools/tool.ts';
import { Toolset } from '../tools/toolset.ts';
import type { ConversationSettings } from './conversation-memory.ts';
import type { ReactEvent } from './react-events.ts';
import type { ReactInput, ReactOutput } from './react-io.ts';
import { runReact } from './react-loop.ts';
import type { ReactSettings } from './react-settings.ts';
import { evolveReact, initialReactState, type ReactState } from './react-state.ts';

/** What a ReAct agent is made of; `name` and `model` are required, the rest has defaults. */
export interface ReactAgentOptions {
  /** Actor name: the journal namespace of this agent. */
  readonly name: string;
  readonly model: ChatModel;
  /** Instructions put first in every model request. */
  readonly system?: string;
  /** Typed tools (`tool(...)`) and tool sources such as MCP servers (`connectMcp(...)`), looked up live. */
  readonly tools?: readonly (Tool | ToolSource)[];
  /** The final answer must parse as JSON matching this schema (one repair round by default). */
  readonly output?: ZodType<Json>;
  /** Model calls per run before it ends with a `step_limit` error. Default 8. */
  readonly maxSteps?: number;
  /** Times a non-matching answer is sent back for repair. Default 1. */
  readonly maxRepairs?: number;
  readonly parameters?: ChatParameters;
  /** A pending approval is denied after this long (a durable timer). Default 15 minutes. */
  readonly approvalTimeoutMs?: number;
  readonly trace?: TraceSink;
  /**
   * Short-term memory: each key's earlier questions and answers go with its
   * next question, at most `maxTokens` of them (4 characters a token); older
   * ones are folded into a summary by a journaled model call. Default: each
   * question on its own.
   */
  readonly conversation?: ConversationSettings;
  /** Snapshot every N journal events. Default every 50, keep 2. */
  readonly snapshot?: { readonly every: number; readonly keep: number };
}

/**
 * A ReAct agent as a keyed actor: each key is one conversation partner (a
 * customer, a ticket, a host). A question runs model → tool calls (in parallel
 * when the model asks for several) → model ... until an answer that passes
 * `output`, or `maxSteps` (an `error` output; the key goes on).
 *
 * Every model answer, tool result and approval is journaled, each once (the
 * event of an answer refers to its model step's record). After a crash the
 * input is processed again and every recorded call is replayed from the
 * journal, never made again; a side-effecting tool that was in flight runs
 * again with the same idempotency key. A `requiresApproval` tool is never
 * called before an `approval` input with the request's exact id arrives; the
 * request times out (denied) after `approvalTimeoutMs`, durably.
 *
 * @example
 * const ops = reactAgent({ name: 'ops', model: chatModel('anthropic:claude-sonnet-4-5'), tools: [restart],
 *   system: 'You operate our services.' });
 * new Stage({ name: 'ops', log, store, input: 'ops.requests', output: 'ops.answers', actor: ops,
 *   schema: reactInputSchema });
 */
export function reactAgent(
  options: ReactAgentOptions,
): ActorDefinition<ReactState, ReactInput, ReactEvent, ReactOutput> {
  // Throws DuplicateToolError now if two tools share a name.
  const tools = new Toolset(options.tools ?? []);
  const settings: ReactSettings = {
    name: options.name,
    model: options.model,
    system: options.system,
    tools,
    output: options.output,
    maxSteps: options.maxSteps ?? 8,
    maxRepairs: options.maxRepairs ?? 1,
    parameters: options.parameters,
    approvalTimeoutMs: options.approvalTimeoutMs ?? 15 * 60_000,
    trace: options.trace,
    conversation: options.conversation,
  };
  return defineActor<ReactState, ReactInput, ReactEvent, ReactOutput>({
    name: options.name,
    initial: () => initialReactState(options.conversation !== undefined),
    decide: (state, input, ctx) =>
      agentSpan(options.name, ctx.key, () => runReact(settings, state, { kind: 'input', input }, ctx)),
    onTimer: (state, timer, ctx: ActorContext<ReactOutput>) =>
      agentSpan(options.name, ctx.key, () =>
        runReact(settings, state, { kind: 'timer', name: timer.name }, ctx),
      ),
    evolve: evolveReact,
    snapshot: options.snapshot ?? { every: 50, keep: 2 },
  });
}
