import type { Json } from '../../core/store/store.ts';
import type { ToolResult } from '../tools/tool.ts';

/** A stored chat message (JSON): what a `ChatRequest` carries. */
export type WorkflowMessage = {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string;
  readonly toolCallId?: string;
  readonly name?: string;
  readonly isError?: boolean;
  readonly toolCalls?: readonly { readonly id: string; readonly name: string; readonly arguments: string }[];
};

/**
 * Events the built-in actions handle or send, next to the workflow's own:
 * send a `ChatRequest` and get a `ChatResponse` back (tool calls included, for
 * the workflow to act on); send a `ToolRequest` and get a `ToolResponse` (after
 * a human's approval when the tool requires one); send a
 * `ContextRetrievalRequest` and get a `ContextRetrievalResponse` (the agent's
 * retriever's matches, journaled).
 */
export type BuiltinEvent =
  | {
      readonly type: 'ChatRequest';
      readonly id: string;
      readonly messages: readonly WorkflowMessage[];
      /** Names of tools to offer the model. */
      readonly tools?: readonly string[];
      /** Key into the agent's `models`; default the first. */
      readonly model?: string;
    }
  | {
      readonly type: 'ChatResponse';
      readonly id: string;
      readonly content: string;
      readonly toolCalls: readonly {
        readonly id: string;
        readonly name: string;
        readonly arguments: string;
      }[];
      readonly error: string | null;
    }
  | { readonly type: 'ToolRequest'; readonly id: string; readonly tool: string; readonly input: Json }
  /** Context for a query from the agent's retriever (its long-term memory): answered with a `ContextRetrievalResponse`. */
  | {
      readonly type: 'ContextRetrievalRequest';
      readonly id: string;
      readonly query: string;
      readonly k?: number;
    }
  | {
      readonly type: 'ContextRetrievalResponse';
      readonly id: string;
      readonly query: string;
      readonly matches: readonly Json[];
      readonly error: string | null;
    }
  | {
      readonly type: 'ToolResponse';
      readonly id: string;
      readonly tool: string;
      readonly result: ToolResult;
    };

export type BuiltinEventType = BuiltinEvent['type'];
export const BUILTIN_EVENT_TYPES: readonly BuiltinEventType[] = [
  'ChatRequest',
  'ChatResponse',
  'ToolRequest',
  'ToolResponse',
  'ContextRetrievalRequest',
  'ContextRetrievalResponse',
];
