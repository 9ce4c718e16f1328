/**
 * A `sideEffect` tool was called without an idempotency key. The caller must
 * pass one (an agent derives it from its journal position), otherwise a call
 * retried after a crash could repeat its effect.
 *
 * @example
 * await sendEmail.call(input); // throws IdempotencyKeyRequiredError
 * await sendEmail.call(input, { idempotencyKey: `${agentKey}/${step}` }); // ok
 */
export class IdempotencyKeyRequiredError extends TypeError {
  override readonly name = 'IdempotencyKeyRequiredError';
  readonly tool: string;

  constructor(tool: string) {
    super(
      `tool "${tool}" has side effects and needs context.idempotencyKey, a key that stays the same when the call is retried (e.g. derived from the journal position)`,
    );
    this.tool = tool;
  }
}

/**
 * Two tools have the same name, so a model's call could not be routed. Rename
 * one, give an MCP server a `prefix`, or leave one out with `allow`.
 *
 * @example
 * new Toolset([search, search]); // throws DuplicateToolError
 */
export class DuplicateToolError extends Error {
  override readonly name = 'DuplicateToolError';
  readonly tool: string;

  constructor(tool: string) {
    super(
      `two tools are named "${tool}"; rename one, give its MCP server a prefix, or leave it out with the server's allow list`,
    );
    this.tool = tool;
  }
}

/**
 * A typed tool's definition cannot be shown to a model: a name providers
 * refuse, an input schema that is not an object or has no JSON Schema form
 * (dates, functions, transforms), or a time limit that is not positive.
 *
 * @example
 * tool({ name: 'get weather', ... }); // throws ToolDefinitionError: use letters, digits, _ and -
 */
export class ToolDefinitionError extends TypeError {
  override readonly name = 'ToolDefinitionError';
  readonly tool: string;

  constructor(tool: string, problem: string) {
    super(`tool "${tool}": ${problem}`);
    this.tool = tool;
  }
}
