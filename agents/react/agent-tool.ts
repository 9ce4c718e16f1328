import type { Json } from '../../core/store/store.ts';
import type { ToolDefinition } from '../models/chat-model.ts';

/** What a tool call gives back to the agent: the model reads `content` either way. */
export type ToolOutcome =
  | { readonly ok: true; readonly content: Json }
  | { readonly ok: false; readonly error: string };

/** What a call gets besides its arguments. */
export interface ToolCallContext {
  /** Stable across a crash and re-run of the same call: pass it to side effects. */
  readonly idempotencyKey: string;
  readonly signal?: AbortSignal;
}

/**
 * What an agent needs of a tool. Typed tools and MCP tools from
 * `eddy/agents` implement it; so can anything else.
 */
export interface AgentTool {
  readonly definition: ToolDefinition;
  /** The call changes the world: it gets an idempotency key from its journal position. */
  readonly sideEffect?: boolean;
  /** The agent asks a human first and never calls it without a matching approval. */
  readonly requiresApproval?: boolean;
  /** `args` is the model's raw argument text, possibly malformed: answer that with `ok: false`. */
  call(args: string, context: ToolCallContext): Promise<ToolOutcome>;
}
