import { afterEach, describe, expect, it } from 'vitest';
import {
  connectMcp,
  IdempotencyKeyRequiredError,
  McpConnectError,
  type McpOptions,
  type McpToolSource,
  type Tool,
  type ToolResult,
  Toolset,
} from '../../../agents/tools/index.ts';
import { waitUntil } from '../../services/wait-until.ts';
import { childrenRunning } from './support/child-processes.ts';
import { EVERYTHING_SERVER } from './support/mcp-servers.ts';

const stdio = { type: 'stdio', command: process.execPath, args: [EVERYTHING_SERVER, 'stdio'] } as const;
const opened: McpToolSource[] = [];

async function connect(options: Partial<McpOptions> = {}): Promise<McpToolSource> {
  const source = await connectMcp({ name: 'everything', transport: stdio, ...options });
  opened.push(source);
  return source;
}

function toolNamed(source: McpToolSource, name: string): Tool {
  const found = source.tools().find((t) => t.name === name);
  if (found === undefined) throw new Error(`server-everything offers no tool "${name}"`);
  return found;
}

function failure(result: ToolResult) {
  if (result.ok) throw new Error(`expected a tool error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

describe('MCP tools of server-everything over stdio', () => {
  it('discovers the tools at run time and shows their input schemas', async () => {
    const source = await connect();
    const names = source.tools().map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum', 'get-structured-content']));
    const sum = toolNamed(source, 'get-sum');
    expect(sum.definition).toMatchObject({
      name: 'get-sum',
      description: 'Returns the sum of two numbers',
      parameters: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
      },
    });
    // Marked readOnlyHint by the server: no idempotency key needed.
    expect(sum.sideEffect).toBe(false);
    // Only answers task-augmented calls, which a plain tool call is not.
    expect(names).not.toContain('simulate-research-query');
  });

  it('calls tools: text content as text, structured content as JSON', async () => {
    const tools = new Toolset([await connect()]);
    expect(await tools.execute({ id: '1', name: 'get-sum', arguments: '{"a": 2, "b": 40}' })).toEqual({
      ok: true,
      value: 'The sum of 2 and 40 is 42.',
    });
    const weather = await tools.execute({
      id: '2',
      name: 'get-structured-content',
      arguments: '{"location":"Chicago"}',
    });
    if (!weather.ok) throw new Error(weather.error.message);
    expect(weather.value).toEqual({
      temperature: expect.any(Number),
      conditions: expect.any(String),
      humidity: expect.any(Number),
    });
  });

  it('answers input that breaks the tool’s schema with invalid_input', async () => {
    const tools = new Toolset([await connect()]);
    const error = failure(await tools.execute({ id: '1', name: 'get-sum', arguments: '{"a": 2, "b": "x"}' }));
    expect(error.kind).toBe('invalid_input');
    expect(error.message).toContain('arguments/b');
  });

  it('maps an isError result to a failed result carrying the server’s text', async () => {
    const gzip = toolNamed(await connect(), 'gzip-file-as-resource');
    // Not marked readOnlyHint by the server, so it counts as having side effects.
    expect(gzip.sideEffect).toBe(true);
    const error = failure(await gzip.call({ data: 'ftp://example.com/file' }, { idempotencyKey: 'k' }));
    expect(error.kind).toBe('failed');
    expect(error.message).toContain('Unsupported URL protocol');
    await expect(gzip.call({ data: 'ftp://example.com/file' })).rejects.toBeInstanceOf(
      IdempotencyKeyRequiredError,
    );
  });

  it('cancels a call at its time limit and answers timeout; the connection stays usable', async () => {
    const source = await connect({ tools: { 'trigger-long-running-operation': { timeoutMs: 200 } } });
    const tools = new Toolset([source]);
    const slow = {
      id: '1',
      name: 'trigger-long-running-operation',
      arguments: '{"duration": 30, "steps": 3}',
    };
    const error = failure(await tools.execute(slow));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('200 ms');
    expect(failure(await tools.execute(slow, { timeoutMs: 100 })).message).toContain('100 ms');
    expect((await tools.execute({ id: '2', name: 'echo', arguments: '{"message":"still here"}' })).ok).toBe(
      true,
    );
  });

  it('offers only allowed tools, under a prefix if asked', async () => {
    const tools = new Toolset([await connect({ allow: ['echo', 'not-a-tool'], prefix: 'ev_' })]);
    expect(tools.definitions().map((d) => d.name)).toEqual(['ev_echo']);
    expect(await tools.execute({ id: '1', name: 'ev_echo', arguments: '{"message":"hi"}' })).toEqual({
      ok: true,
      value: 'Echo: hi',
    });
    expect(
      failure(await tools.execute({ id: '2', name: 'ev_get-sum', arguments: '{"a":1,"b":2}' })).kind,
    ).toBe('unknown_tool');
  });

  it('ends the server process on close and answers later calls with unavailable', async () => {
    expect(childrenRunning(EVERYTHING_SERVER)).toEqual([]);
    const source = await connect();
    const echo = toolNamed(source, 'echo');
    expect(childrenRunning(EVERYTHING_SERVER)).toHaveLength(1);
    await source.close();
    expect(childrenRunning(EVERYTHING_SERVER)).toEqual([]);
    expect(source.connected).toBe(false);
    expect(failure(await echo.call({ message: 'x' })).kind).toBe('unavailable');
    await source.close();
  });

  it('answers unavailable when the server dies, instead of throwing', async () => {
    const source = await connect();
    const [server] = childrenRunning(EVERYTHING_SERVER);
    if (server === undefined) throw new Error('server-everything is not a child process');
    process.kill(server.pid, 'SIGKILL');
    expect(await waitUntil(async () => !source.connected, { timeoutMs: 10_000 })).toBeUndefined();
    const tools = new Toolset([source]);
    expect(failure(await tools.execute({ id: '1', name: 'echo', arguments: '{"message":"x"}' })).kind).toBe(
      'unavailable',
    );
    expect(childrenRunning(EVERYTHING_SERVER)).toEqual([]);
  });

  it('fails to connect with the server’s own complaint when it cannot start', async () => {
    const connecting = connectMcp({
      name: 'broken',
      transport: { type: 'stdio', command: process.execPath, args: [EVERYTHING_SERVER, 'carrier-pigeon'] },
    });
    await expect(connecting).rejects.toBeInstanceOf(McpConnectError);
    await expect(connecting).rejects.toThrow(/Unknown transport: carrier-pigeon/);
    expect(childrenRunning(EVERYTHING_SERVER)).toEqual([]);
  });

  it('gives up on a server that never answers, and leaves no process behind', async () => {
    const silent = 'setInterval(() => {}, 1000) /* eddy-silent-server */';
    const connecting = connectMcp({
      name: 'silent',
      transport: { type: 'stdio', command: process.execPath, args: ['-e', silent] },
      connectTimeoutMs: 300,
    });
    await expect(connecting).rejects.toThrow(/timed out/);
    expect(childrenRunning('eddy-silent-server')).toEqual([]);
  });
});
