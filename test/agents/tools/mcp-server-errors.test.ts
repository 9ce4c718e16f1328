import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  CallToolRequestSchema,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool as McpTool,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectMcp,
  IDEMPOTENCY_META_KEY,
  type McpToolSource,
  type ToolResult,
  Toolset,
} from '../../../agents/tools/index.ts';
import { type InProcessMcpServer, serveMcp } from './support/in-process-mcp-server.ts';

// A server written with the SDK's low-level Server, so it can misbehave in ways
// McpServer never would: JSON-RPC errors, results that break their own schema.

const object = { type: 'object', properties: {} } as const;
const TOOLS: McpTool[] = [
  { name: 'refuses', description: 'Answers with a JSON-RPC error', inputSchema: object },
  { name: 'fails', description: 'Answers isError', inputSchema: object },
  {
    name: 'lies',
    description: 'Breaks its output schema',
    inputSchema: object,
    outputSchema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
  },
  {
    name: 'forgets',
    description: 'Declares an output schema, sends no structured content',
    inputSchema: object,
    outputSchema: { type: 'object', properties: { n: { type: 'number' } } },
  },
  { name: 'echoes_meta', description: 'Returns the _meta it got', inputSchema: object },
  {
    name: 'counts',
    description: 'Structured result matching its schema',
    inputSchema: {
      type: 'object',
      properties: { upTo: { type: 'integer', minimum: 1 } },
      required: ['upTo'],
    },
    outputSchema: { type: 'object', properties: { n: { type: 'array', items: { type: 'number' } } } },
    annotations: { readOnlyHint: true },
  },
];

function makeServer(): Server {
  const server = new Server({ name: 'rogue', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, async (request) => {
    switch (request.params.name) {
      case 'refuses':
        throw new McpError(ErrorCode.InternalError, 'backend exploded');
      case 'fails':
        return { content: [{ type: 'text', text: 'quota exceeded, retry tomorrow' }], isError: true };
      case 'lies':
        return { content: [], structuredContent: { n: 'many' } };
      case 'forgets':
        return { content: [{ type: 'text', text: '7' }] };
      case 'echoes_meta':
        return { content: [], structuredContent: { meta: request.params._meta ?? null } };
      case 'counts': {
        const upTo = Number(request.params.arguments?.upTo);
        return { content: [], structuredContent: { n: Array.from({ length: upTo }, (_, i) => i + 1) } };
      }
      default:
        throw new McpError(ErrorCode.InvalidParams, `no tool ${request.params.name}`);
    }
  });
  return server;
}

function failure(result: ToolResult) {
  if (result.ok) throw new Error(`expected a tool error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('MCP server errors and results', () => {
  let served: InProcessMcpServer<Server>;
  let source: McpToolSource;
  let tools: Toolset;
  const run = (name: string, args = '{}') =>
    tools.execute({ id: `c-${name}`, name, arguments: args }, { idempotencyKey: `key-${name}` });

  beforeAll(async () => {
    served = await serveMcp(makeServer);
    source = await connectMcp({ name: 'rogue', transport: { type: 'http', url: served.url } });
    tools = new Toolset([source]);
  });

  afterAll(async () => {
    await source?.close();
    await served?.close();
  });

  it('maps a JSON-RPC error to a protocol result with its code', async () => {
    const error = failure(await run('refuses'));
    expect(error.kind).toBe('protocol');
    expect(error.code).toBe(ErrorCode.InternalError);
    expect(error.message).toContain('backend exploded');
  });

  it('maps isError to a failed result with the server’s text', async () => {
    expect(failure(await run('fails'))).toEqual({
      kind: 'failed',
      message: 'tool "fails" failed: quota exceeded, retry tomorrow',
    });
  });

  it('answers structured content that breaks the output schema with invalid_output', async () => {
    expect(failure(await run('lies')).kind).toBe('invalid_output');
    expect(failure(await run('forgets')).kind).toBe('invalid_output');
  });

  it('returns valid structured content as the value', async () => {
    expect(await run('counts', '{"upTo": 3}')).toEqual({ ok: true, value: { n: [1, 2, 3] } });
    expect(failure(await run('counts', '{"upTo": 0}')).kind).toBe('invalid_input');
  });

  it('sends the idempotency key to the server in _meta', async () => {
    expect(await run('echoes_meta')).toEqual({
      ok: true,
      value: { meta: { [IDEMPOTENCY_META_KEY]: 'key-echoes_meta' } },
    });
  });

  it('ends the HTTP session on close', async () => {
    const own = await connectMcp({ name: 'rogue-2', transport: { type: 'http', url: served.url } });
    const before = served.terminated.length;
    await own.close();
    expect(served.terminated.length).toBe(before + 1);
  });
});
