import type { McpOptions } from './mcp-options.ts';
import { McpToolSource } from './mcp-tool-source.ts';

/**
 * Connects to an MCP server over stdio or Streamable HTTP and lists its tools
 * at run time. The returned source re-lists them when the server announces a
 * change, offers only `allow`ed ones, and turns protocol errors, `isError`
 * results, timeouts and lost connections into tool error results. Rejects with
 * McpConnectError when the server cannot be started or reached.
 *
 * @example
 * const fs = await connectMcp({
 *   name: 'files',
 *   transport: { type: 'stdio', command: 'mcp-server-filesystem', args: ['/srv/data'] },
 *   allow: ['read_text_file', 'list_directory', 'write_file'],
 *   tools: { write_file: { requiresApproval: true } },
 * });
 * const web = await connectMcp({ name: 'web', transport: { type: 'http', url: 'http://localhost:3001/mcp' }, prefix: 'web_' });
 * const tools = new Toolset([fs, web]);
 * // ...
 * await Promise.all([fs.close(), web.close()]);
 */
export function connectMcp(options: McpOptions): Promise<McpToolSource> {
  return McpToolSource.connect(options);
}
