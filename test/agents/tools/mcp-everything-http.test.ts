import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcp, McpConnectError, type ToolResult, Toolset } from '../../../agents/tools/index.ts';
import { type EverythingHttpServer, startEverythingHttp } from './support/mcp-servers.ts';

function failure(result: ToolResult) {
  if (result.ok) throw new Error(`expected a tool error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('MCP tools of server-everything over Streamable HTTP', () => {
  let server: EverythingHttpServer;

  beforeAll(async () => {
    server = await startEverythingHttp();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('discovers and calls tools over HTTP', async () => {
    const source = await connectMcp({ name: 'everything', transport: { type: 'http', url: server.url } });
    try {
      const tools = new Toolset([source]);
      expect(tools.definitions().map((d) => d.name)).toEqual(expect.arrayContaining(['echo', 'get-sum']));
      expect(await tools.execute({ id: '1', name: 'echo', arguments: '{"message":"over http"}' })).toEqual({
        ok: true,
        value: 'Echo: over http',
      });
      expect(failure(await tools.execute({ id: '2', name: 'get-sum', arguments: '{"a":1}' })).kind).toBe(
        'invalid_input',
      );
    } finally {
      await source.close();
    }
  });

  it('cancels a call at its time limit', async () => {
    const source = await connectMcp({
      name: 'everything',
      transport: { type: 'http', url: server.url },
      timeoutMs: 250,
    });
    try {
      const tools = new Toolset([source]);
      const slow = {
        id: '1',
        name: 'trigger-long-running-operation',
        arguments: '{"duration": 30, "steps": 3}',
      };
      expect(failure(await tools.execute(slow)).kind).toBe('timeout');
      expect((await tools.execute({ id: '2', name: 'get-sum', arguments: '{"a":1,"b":1}' })).ok).toBe(true);
    } finally {
      await source.close();
    }
  });

  it('ends its session on the server when closed', async () => {
    const source = await connectMcp({ name: 'everything', transport: { type: 'http', url: server.url } });
    const before = server.log().split('Received session termination request').length;
    await source.close();
    expect(server.log().split('Received session termination request').length).toBe(before + 1);
  });

  it('fails to connect to a URL where no MCP server answers', async () => {
    await expect(
      connectMcp({
        name: 'nowhere',
        transport: { type: 'http', url: new URL('/not-mcp', server.url) },
        connectTimeoutMs: 5_000,
      }),
    ).rejects.toBeInstanceOf(McpConnectError);
  });

  it('answers unavailable once the server is gone, instead of throwing', async () => {
    const source = await connectMcp({ name: 'everything', transport: { type: 'http', url: server.url } });
    try {
      await server.process.stop('SIGKILL');
      const tools = new Toolset([source]);
      const error = failure(await tools.execute({ id: '1', name: 'echo', arguments: '{"message":"x"}' }));
      expect(error.kind).toBe('unavailable');
      expect(error.message).toContain('everything');
    } finally {
      await source.close();
    }
  });
});
