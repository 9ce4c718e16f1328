import type { ToolCall, ToolDefinition } from '../models/chat-model.ts';
import type { Tool, ToolCallContext, ToolResult, ToolSource } from './tool.ts';
import { toolError } from './tool.ts';
import { parseToolArguments } from './tool-arguments.ts';
import { DuplicateToolError } from './tool-errors.ts';

/**
 * The tools an agent offers its model: typed tools and tool sources (MCP
 * servers, other toolsets), looked up by name when called. Sources may change
 * their tools while running, so names are checked for duplicates when the
 * toolset is made and again at every lookup; a clash throws
 * DuplicateToolError rather than routing a call to the wrong tool.
 *
 * `requiresApproval` is metadata here: the agent asks for approval before it
 * calls `execute`.
 *
 * @example
 * const fs = await connectMcp({ name: 'fs', transport: { type: 'stdio', command: 'mcp-server-filesystem', args: [dir] } });
 * const tools = new Toolset([weather, fs]);
 * const answer = await model.chat({ messages, tools: tools.definitions() });
 * for (const call of answer.toolCalls) {
 *   const result = await tools.execute(call, { idempotencyKey: `${key}/${step}/${call.id}` });
 *   messages.push(toolMessage(call, result));
 * }
 */
export class Toolset implements ToolSource {
  readonly #entries: readonly (Tool | ToolSource)[];

  constructor(entries: readonly (Tool | ToolSource)[]) {
    this.#entries = [...entries];
    this.#byName();
  }

  /** Every tool offered right now. Throws DuplicateToolError if two share a name. */
  tools(): readonly Tool[] {
    return [...this.#byName().values()];
  }

  /** The tool of that name right now, if any. Throws DuplicateToolError like `tools`. */
  get(name: string): Tool | undefined {
    return this.#byName().get(name);
  }

  /** What to show the model. */
  definitions(): ToolDefinition[] {
    return this.tools().map((t) => t.definition);
  }

  /**
   * Runs a model's tool call: parses its raw arguments (malformed JSON is an
   * `invalid_input` result), finds the tool (`unknown_tool` if none) and calls
   * it. Rejects only as {@link Tool.call} does: an aborted signal or a missing
   * idempotency key.
   */
  async execute(call: ToolCall, context: ToolCallContext = {}): Promise<ToolResult> {
    const tool = this.get(call.name);
    if (tool === undefined) {
      const names = this.tools().map((t) => t.name);
      return toolError(
        'unknown_tool',
        `there is no tool named "${call.name}"; the tools are: ${names.length === 0 ? '(none)' : names.join(', ')}`,
      );
    }
    const input = parseToolArguments(call);
    if ('error' in input) return input.error;
    return tool.call(input.value, context);
  }

  #byName(): Map<string, Tool> {
    const byName = new Map<string, Tool>();
    for (const entry of this.#entries) {
      for (const tool of 'call' in entry ? [entry] : entry.tools()) {
        if (byName.has(tool.name)) throw new DuplicateToolError(tool.name);
        byName.set(tool.name, tool);
      }
    }
    return byName;
  }
}
