import type { Json, MemoryChange } from '../../core/store/store.ts';
import type { ToolDefinition } from '../models/chat-model.ts';

/**
 * Why a call produced no value. Every kind is something the model can read
 * and react to, so each is a result, not an exception:
 * - `invalid_input`: the arguments do not match the tool's parameters (or are not JSON)
 * - `invalid_output`: the tool answered something its output schema (or JSON) does not allow
 * - `timeout`: no answer within the time limit; the work was cancelled
 * - `failed`: the tool ran and reported a failure (threw, or an MCP `isError` result)
 * - `protocol`: an MCP server answered the call with a JSON-RPC error
 * - `unavailable`: the MCP server cannot be reached (closed, crashed, network)
 * - `unknown_tool`: no tool of that name (any more)
 * - `not_approved`: the tool needs a person's approval that this caller cannot ask for (a sub-agent whose own call was not approved)
 */
export type ToolErrorKind =
  | 'invalid_input'
  | 'invalid_output'
  | 'timeout'
  | 'failed'
  | 'protocol'
  | 'unavailable'
  | 'unknown_tool'
  | 'not_approved';

/** One schema violation: where (`items[2].qty`, empty for the whole value) and what. */
export type ToolIssue = { readonly path: string; readonly message: string };

/** A failed call, as plain JSON the agent journals and shows the model. */
export type ToolError = {
  readonly kind: ToolErrorKind;
  /** Written for the model: what went wrong and what to do about it. */
  readonly message: string;
  /** Schema violations, for `invalid_input` and `invalid_output` of typed tools. */
  readonly issues?: readonly ToolIssue[];
  /** The JSON-RPC error code, for `protocol`. */
  readonly code?: number;
};

/** The outcome of a call; plain JSON, so it can be journaled as it is. */
export type ToolResult =
  | {
      readonly ok: true;
      readonly value: Json;
      /**
       * Long-term memory writes the call asks for (a `remember` tool): the
       * agent journals them with the call's result and commits them with
       * its events; the model is not shown them.
       */
      readonly memory?: readonly MemoryChange[];
    }
  | { readonly ok: false; readonly error: ToolError };

/** What the caller passes along with a call. */
export interface ToolCallContext {
  /**
   * Cancels the call. Aborting it makes `call` reject with the signal's
   * reason (the caller gave up; there is no result to record).
   */
  readonly signal?: AbortSignal;
  /**
   * Deterministic key for the effect of this call, required by tools with
   * `sideEffect`. An agent derives it from its journal position, so a call
   * retried after a crash carries the same key and the effect happens once.
   */
  readonly idempotencyKey?: string;
  /** Overrides the tool's own time limit for this call. */
  readonly timeoutMs?: number;
  /** Who calls: the agent and its key (memory tools keep each key's memories apart by it). */
  readonly caller?: { readonly actor: string; readonly key: string };
  /**
   * Journaled steps inside this call, given by an agent: what a tool that is
   * itself an agent records its model and tool calls with, so a crash resumes
   * inside it instead of asking again. Names are unique within the call.
   */
  readonly steps?: ToolSteps;
}

/** A tool call's own journaled steps (see `ToolCallContext.steps`). */
export interface ToolSteps {
  run<T extends Json>(name: string, fn: (step: { readonly id: string }) => T | Promise<T>): Promise<T>;
}

/**
 * A tool a model can call: a typed function ({@link tool}) or a tool of an MCP
 * server ({@link connectMcp}).
 *
 * `call` resolves with a {@link ToolResult} for everything about the call
 * (bad input, failure, timeout, server gone). It rejects only for mistakes of
 * the caller: an aborted `signal`, or no `idempotencyKey` for a `sideEffect` tool.
 *
 * @example
 * const result = await tool.call({ city: 'Oslo' }, { idempotencyKey: 'agent-7/step-3' });
 * if (!result.ok) console.log(result.error.kind, result.error.message);
 */
export interface Tool {
  /** The name the model calls it by. */
  readonly name: string;
  /** What the model is shown: name, description and the JSON Schema of the input. */
  readonly definition: ToolDefinition;
  /** The call changes something outside; it needs an idempotency key. */
  readonly sideEffect: boolean;
  /** An agent must get a human's approval before each call; the agent enforces it, not the tool. */
  readonly requiresApproval: boolean;
  /** Default time limit of one call. */
  readonly timeoutMs: number;
  call(input: unknown, context?: ToolCallContext): Promise<ToolResult>;
}

/** Something that offers tools which may change while it runs (an MCP server, a Toolset). */
export interface ToolSource {
  /** The tools offered right now. */
  tools(): readonly Tool[];
}

/** Default time limit of a tool call. */
export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/** Builds a failed result. */
export function toolError(
  kind: ToolErrorKind,
  message: string,
  extra: { readonly issues?: readonly ToolIssue[]; readonly code?: number } = {},
): ToolResult {
  return { ok: false, error: { kind, message, ...extra } };
}
