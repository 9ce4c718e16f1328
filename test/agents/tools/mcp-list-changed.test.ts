import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  connectMcp,
  type McpToolSource,
  type Tool,
  type ToolResult,
  Toolset,
} from '../../../agents/tools/index.ts';
import { type InProcessMcpServer, serveMcp } from './support/in-process-mcp-server.ts';

// server-everything announces list_changed only while a client initializes (its
// capability-dependent tools), before our first listing can be told apart from a
// refresh; so the SDK's own McpServer, served over real Streamable HTTP, changes
// its tools on cue here.

function failure(result: ToolResult) {
  if (result.ok) throw new Error(`expected a tool error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

function makeServer(): McpServer {
  const server = new McpServer({ name: 'changing', version: '1.0.0' });
  server.registerTool(
    'first',
    { description: 'The first tool', inputSchema: { n: z.number() }, annotations: { readOnlyHint: true } },
    async ({ n }) => ({ content: [{ type: 'text', text: `first ${n}` }] }),
  );
  return server;
}

/** Resolves with the tools at the next change the source reports. */
function nextChange(changes: ((tools: readonly Tool[]) => void)[]): Promise<readonly Tool[]> {
  return new Promise((resolve) => changes.push(resolve));
}

describe('MCP tool list changes', () => {
  let served: InProcessMcpServer<McpServer> | undefined;
  let source: McpToolSource | undefined;

  afterEach(async () => {
    await source?.close();
    await served?.close();
  });

  it('refreshes the tools when the server announces a change', async () => {
    served = await serveMcp(makeServer);
    const waiting: ((tools: readonly Tool[]) => void)[] = [];
    source = await connectMcp({
      name: 'changing',
      transport: { type: 'http', url: served.url },
      allow: ['first', 'second'],
      onToolsChanged: (tools) => {
        for (const resolve of waiting.splice(0)) resolve(tools);
      },
    });
    const tools = new Toolset([source]);
    expect(tools.definitions().map((d) => d.name)).toEqual(['first']);
    const server = served.sessions[0];
    if (server === undefined) throw new Error('no session on the server');

    const added = nextChange(waiting);
    const second = server.registerTool(
      'second',
      { description: 'Added later', inputSchema: { word: z.string() }, annotations: { readOnlyHint: true } },
      async ({ word }) => ({ content: [{ type: 'text', text: word.toUpperCase() }] }),
    );
    expect((await added).map((t) => t.name)).toEqual(['first', 'second']);
    expect(await tools.execute({ id: '1', name: 'second', arguments: '{"word":"hi"}' })).toEqual({
      ok: true,
      value: 'HI',
    });
    const secondTool = tools.get('second');
    if (secondTool === undefined) throw new Error('second is not offered');

    // A tool outside the allow list changes the server's list but not ours.
    server.registerTool('third', { description: 'Not allowed' }, async () => ({ content: [] }));
    const removed = nextChange(waiting);
    second.remove();
    expect((await removed).map((t) => t.name)).toEqual(['first']);
    expect(tools.definitions().map((d) => d.name)).toEqual(['first']);
    // A Tool object kept from before the change answers unknown_tool instead of calling a removed tool.
    expect(failure(await secondTool.call({ word: 'x' })).kind).toBe('unknown_tool');
  });

  it('refreshes on demand, also when the server did not announce the change', async () => {
    served = await serveMcp(makeServer);
    source = await connectMcp({ name: 'changing', transport: { type: 'http', url: served.url } });
    const server = served.sessions[0];
    if (server === undefined) throw new Error('no session on the server');
    // Bypass the announcement, so only an explicit refresh can see the new tool.
    server.server.sendToolListChanged = async () => {};
    server.registerTool('quiet', { description: 'Added without notice' }, async () => ({ content: [] }));
    expect(source.tools().map((t) => t.name)).toEqual(['first']);
    const [a, b] = await Promise.all([source.refresh(), source.refresh()]);
    expect(a.map((t) => t.name)).toEqual(['first', 'quiet']);
    expect(b.map((t) => t.name)).toEqual(['first', 'quiet']);
  });
});
