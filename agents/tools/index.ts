/**
 * Tools for agents: typed functions with zod schemas ({@link tool}) and the
 * tools of MCP servers ({@link connectMcp}), both behind one {@link Tool}
 * interface, gathered in a {@link Toolset} that routes a model's calls by
 * name. Every outcome of a call is a JSON {@link ToolResult} the agent can
 * journal and show the model.
 *
 * @example
 * import { z } from 'zod';
 * import { tool, Toolset, toolMessage } from './agents/tools/index.ts';
 * const add = tool({ name: 'add', description: 'Adds', input: z.object({ a: z.number(), b: z.number() }), run: ({ a, b }) => a + b });
 * const tools = new Toolset([add]);
 * const result = await tools.execute({ id: 'c1', name: 'add', arguments: '{"a":1,"b":2}' });
 * toolMessage({ id: 'c1', name: 'add', arguments: '' }, result); // { role: 'tool', content: '3', ... }
 */
export { type AgentToolSpec, agentTool } from './agent-tool.ts';
export { connectMcp } from './mcp/connect-mcp.ts';
export { McpConnectError } from './mcp/mcp-connect-error.ts';
export type { McpOptions, McpToolOptions, McpTransportOptions } from './mcp/mcp-options.ts';
export { IDEMPOTENCY_META_KEY, McpToolSource } from './mcp/mcp-tool-source.ts';
export {
  DEFAULT_TOOL_TIMEOUT_MS,
  type Tool,
  type ToolCallContext,
  type ToolError,
  type ToolErrorKind,
  type ToolIssue,
  type ToolResult,
  type ToolSource,
  type ToolSteps,
  toolError,
} from './tool.ts';
export { parseToolArguments } from './tool-arguments.ts';
export { DuplicateToolError, IdempotencyKeyRequiredError, ToolDefinitionError } from './tool-errors.ts';
export { toolMessage } from './tool-message.ts';
export { Toolset } from './toolset.ts';
export { type ToolRunContext, type ToolSpec, type TypedTool, tool } from './typed-tool.ts';
