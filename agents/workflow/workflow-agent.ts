import type { ActorContext } from '../../core/actor/actor-context.ts';
import { type ActorDefinition, defineActor } from '../../core/actor/actor-definition.ts';
import type { Json } from '../../core/store/store.ts';
import type { ChatModel } from '../models/chat-model.ts';
import { agentSpan } from '../steps/agent-span.ts';
import type { TraceSink } from '../steps/trace.ts';
import type { Tool, ToolSource } from '../tools/tool.ts';
import { Toolset } from '../tools/toolset.ts';
import { runWorkflow } from './run-workflow.ts';
import type { WorkflowActions } from './workflow-context.ts';
import type { ApprovalOutput, WorkflowInput } from './workflow-io.ts';
import {
  evolveWorkflow,
  initialWorkflowState,
  type WorkflowJournalEvent,
  type WorkflowState,
} from './workflow-journal.ts';
import type { ContextRetriever, WorkflowSettings } from './workflow-settings.ts';

/** What a workflow agent is made of: its name, its start event, its actions, and what they may use. */
export interface WorkflowAgentOptions<
  In extends Json,
  Ev extends { readonly type: string } & Json,
  Out extends Json,
> {
  /** Actor name: the journal namespace. */
  readonly name: string;
  /** The models `ChatRequest`s and `ctx.chat` use, by name; the first is the default. */
  readonly models?: Readonly<Record<string, ChatModel>>;
  /** Typed tools and tool sources such as MCP servers, looked up live. */
  readonly tools?: readonly (Tool | ToolSource)[];
  /** The event an input starts as. */
  readonly start: (input: In) => Ev;
  readonly actions: WorkflowActions<Ev, Out>;
  /** Guards against actions that send events forever. Default 100 per input. */
  readonly maxEventsPerInput?: number;
  /** A parked tool request is denied after this long (a durable timer). Default 15 minutes. */
  readonly approvalTimeoutMs?: number;
  /** Receives a line per model and tool call actually made (replays write none). */
  readonly trace?: TraceSink;
  /** Answers `ContextRetrievalRequest`s: e.g. `contextRetriever(memory)` of `eddy/memory`. */
  readonly retrieve?: ContextRetriever;
}

/**
 * A workflow agent in the Event/Action style (as in Flink Agents): each input
 * becomes an event; actions subscribed to event types handle it and may send
 * more events, call models and tools through `ctx`, and emit outputs. Built-in
 * actions answer `ChatRequest` with `ChatResponse` and `ToolRequest` with
 * `ToolResponse` (parking the request until a human approves, when the tool
 * requires it); define an action for the same type to replace one.
 *
 * Durability: every event handled, model answer, tool result, memory write,
 * approval and output is journaled, each answer once (a built-in action's
 * response is its step's record); after a crash the input is processed again
 * and recorded model and tool calls are read back, not made again.
 *
 * @example
 * const triage = workflowAgent({
 *   name: 'triage',
 *   models: { default: chatModel('openai:gpt-4o-mini') },
 *   start: (input: { review: string }) => ({ type: 'Review', text: input.review }),
 *   actions: {
 *     Review: (e, ctx) => ctx.send({ type: 'ChatRequest', id: 'sentiment',
 *       messages: [{ role: 'user', content: `Sentiment of: ${e.text}` }] }),
 *     ChatResponse: (e, ctx) => ctx.emit({ sentiment: e.content }),
 *   },
 * });
 */
export function workflowAgent<In extends Json, Ev extends { readonly type: string } & Json, Out extends Json>(
  options: WorkflowAgentOptions<In, Ev, Out>,
): ActorDefinition<WorkflowState, WorkflowInput<In>, WorkflowJournalEvent, Out | ApprovalOutput> {
  const tools = new Toolset(options.tools ?? []);
  const settings: WorkflowSettings<Ev, Out> = {
    name: options.name,
    models: new Map(Object.entries(options.models ?? {})),
    tools,
    start: options.start as (input: Json) => Ev,
    actions: options.actions,
    maxEventsPerInput: options.maxEventsPerInput ?? 100,
    approvalTimeoutMs: options.approvalTimeoutMs ?? 15 * 60_000,
    trace: options.trace,
    retrieve: options.retrieve,
  };
  return defineActor<WorkflowState, WorkflowInput<In>, WorkflowJournalEvent, Out | ApprovalOutput>({
    name: options.name,
    initial: initialWorkflowState,
    decide: (state, input, ctx) =>
      agentSpan(options.name, ctx.key, () =>
        runWorkflow(settings, state, { kind: 'input', input: input as Json }, ctx),
      ),
    onTimer: (state, timer, ctx: ActorContext<Out | ApprovalOutput>) =>
      agentSpan(options.name, ctx.key, () =>
        runWorkflow(settings, state, { kind: 'timer', name: timer.name }, ctx),
      ),
    evolve: evolveWorkflow,
    snapshot: { every: 100, keep: 2 },
  });
}
