import type { Json } from '../../core/store/store.ts';
import type { ChatModel } from '../models/chat-model.ts';
import type { TraceSink } from '../steps/trace.ts';
import type { Toolset } from '../tools/toolset.ts';
import type { WorkflowActions } from './workflow-context.ts';

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
}
