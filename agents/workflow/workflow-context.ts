import type { Json } from '../../core/store/store.ts';
import type { ChatResponse } from '../models/chat-model.ts';
import type { ToolResult } from '../tools/tool.ts';
import type { BuiltinEvent, WorkflowMessage } from './builtin-events.ts';

/** A model request of an action: messages, the tools to offer (by name), and the model (by name). */
export type WorkflowChat = {
  readonly messages: readonly WorkflowMessage[];
  readonly tools?: readonly string[];
  /** Key into the agent's `models`; default the first. */
  readonly model?: string;
};

/**
 * What an action gets: the one door to the model, the tools, memory and the
 * outside. Model and tool calls are journaled steps, replayed after a crash.
 */
export interface WorkflowContext<Ev extends { readonly type: string }, Out> {
  readonly key: string;
  /** Queues an event for the actions subscribed to its type (this input, in order). */
  send(event: Ev | BuiltinEvent): void;
  /** An output record, written with the journal in one commit. */
  emit(output: Out): void;
  /**
   * Sensory memory: scratch for this input's actions, gone once its outputs
   * are out. Not journaled: a re-run rebuilds it, as its actions run again
   * with their recorded model and tool answers.
   */
  readonly scratch: {
    get(name: string): unknown;
    set(name: string, value: unknown): void;
  };
  /** Short-term memory of this key, journaled. */
  readonly memory: {
    get(name: string): Json | undefined;
    set(name: string, value: Json): void;
  };
  /** One model call, journaled: a re-run after a crash reads the answer back. */
  chat(request: WorkflowChat): Promise<ChatResponse>;
  /**
   * One tool call, journaled, with an idempotency key from its journal position.
   * A tool that requires approval cannot be called here: send a `ToolRequest`.
   */
  callTool(name: string, input: Json): Promise<ToolResult>;
  now(): number;
  random(): number;
}

/** The actions of a workflow: per event type, what to do with it. */
export type WorkflowActions<Ev extends { readonly type: string }, Out> = {
  readonly [T in (Ev | BuiltinEvent)['type']]?: (
    event: Extract<Ev | BuiltinEvent, { readonly type: T }>,
    ctx: WorkflowContext<Ev, Out>,
  ) => void | Promise<void>;
};
