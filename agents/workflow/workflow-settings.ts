import type { Json } from '../../core/store/store.ts';
import type { ChatModel } from '../models/chat-model.ts';
import type { TraceSink } from '../steps/trace.ts';
import type { Toolset } from '../tools/toolset.ts';
import type { WorkflowActions } from './workflow-context.ts';

/**
 * Where a workflow agent retrieves context from (long-term memory, a search
 * index): given the query, how many, and who asks (the agent and its key),
 * the matches as plain JSON. `eddy/memory`'s `contextRetriever` makes one
 * from a collection and its embedder.
 */
export type ContextRetriever = (request: {
  readonly query: string;
  readonly k: number;
  readonly actor: string;
  readonly key: string;
}) => Promise<readonly Json[]>;

/** A workflow agent's options with their defaults resolved: what the runner uses. */
export interface WorkflowSettings<Ev extends { readonly type: string }, Out> {
  readonly name: string;
  readonly models: ReadonlyMap<string, ChatModel>;
  readonly tools: Toolset;
  readonly start: (input: Json) => Ev;
  readonly actions: WorkflowActions<Ev, Out>;
  readonly maxEventsPerInput: number;
  readonly approvalTimeoutMs: number;
  readonly trace: TraceSink | undefined;
  readonly retrieve: ContextRetriever | undefined;
}
