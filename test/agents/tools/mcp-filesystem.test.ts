import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolCall } from '../../../agents/models/chat-model.ts';
import {
  connectMcp,
  IdempotencyKeyRequiredError,
  type McpToolSource,
  type ToolResult,
  Toolset,
} from '../../../agents/tools/index.ts';
import { childrenRunning } from './support/child-processes.ts';
import { FILESYSTEM_SERVER } from './support/mcp-servers.ts';

function failure(result: ToolResult) {
  if (result.ok) throw new Error(`expected a tool error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

function call(name: string, args: object): ToolCall {
  return { id: `call-${name}`, name, arguments: JSON.stringify(args) };
}

describe('MCP tools of server-filesystem over stdio', () => {
  let root: string;
  let outside: string;
  let source: McpToolSource;
  let tools: Toolset;

  beforeAll(async () => {
    // Real paths: the server resolves symlinks and compares against them.
    root = realpathSync(mkdtempSync(join(tmpdir(), 'eddy-mcp-fs-root-')));
    outside = realpathSync(mkdtempSync(join(tmpdir(), 'eddy-mcp-fs-outside-')));
    writeFileSync(join(root, 'notes.txt'), 'first line\nsecond line\n');
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(outside, 'secret.txt'), 'not for the model');
    source = await connectMcp({
      name: 'files',
      transport: { type: 'stdio', command: process.execPath, args: [FILESYSTEM_SERVER, root] },
      allow: ['list_directory', 'read_text_file', 'write_file'],
      prefix: 'fs_',
      tools: { write_file: { requiresApproval: true } },
    });
    tools = new Toolset([source]);
  });

  afterAll(async () => {
    await source?.close();
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('offers exactly the allowed tools, with the server’s schemas and the caller’s approval flag', () => {
    expect(tools.definitions().map((d) => d.name)).toEqual([
      'fs_read_text_file',
      'fs_write_file',
      'fs_list_directory',
    ]);
    expect(tools.get('fs_write_file')).toMatchObject({ sideEffect: true, requiresApproval: true });
    expect(tools.get('fs_read_text_file')).toMatchObject({ sideEffect: false, requiresApproval: false });
    expect(tools.get('fs_read_text_file')?.definition.parameters).toMatchObject({
      type: 'object',
      properties: { path: { type: 'string' } },
      required: ['path'],
    });
  });

  it('lists a directory', async () => {
    const listing = await tools.execute(call('fs_list_directory', { path: root }));
    if (!listing.ok) throw new Error(listing.error.message);
    const lines = String((listing.value as { content: string }).content).split('\n');
    expect(lines.sort()).toEqual(['[DIR] sub', '[FILE] notes.txt']);
  });

  it('reads a file', async () => {
    expect(
      await tools.execute(call('fs_read_text_file', { path: join(root, 'notes.txt'), head: 1 })),
    ).toEqual({
      ok: true,
      value: { content: 'first line' },
    });
  });

  it('writes a file, with an idempotency key since writing has side effects', async () => {
    const target = join(root, 'sub', 'written.txt');
    const written = await tools.execute(call('fs_write_file', { path: target, content: 'from the model' }), {
      idempotencyKey: 'agent-1/step-2',
    });
    expect(written.ok).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('from the model');
    await expect(
      tools.execute(call('fs_write_file', { path: join(root, 'other.txt'), content: 'x' })),
    ).rejects.toBeInstanceOf(IdempotencyKeyRequiredError);
    expect(existsSync(join(root, 'other.txt'))).toBe(false);
  });

  it('answers a path outside the server’s roots with a tool error', async () => {
    const read = failure(
      await tools.execute(call('fs_read_text_file', { path: join(outside, 'secret.txt') })),
    );
    expect(read.kind).toBe('failed');
    expect(read.message).toContain('Access denied');
    expect(read.message).not.toContain('not for the model');

    const write = failure(
      await tools.execute(call('fs_write_file', { path: join(outside, 'planted.txt'), content: 'x' }), {
        idempotencyKey: 'agent-1/step-3',
      }),
    );
    expect(write.kind).toBe('failed');
    expect(existsSync(join(outside, 'planted.txt'))).toBe(false);
  });

  it('does not let the model call a tool left out of the allow list', async () => {
    const moved = await tools.execute(
      call('fs_move_file', { source: join(root, 'notes.txt'), destination: join(root, 'moved.txt') }),
      { idempotencyKey: 'agent-1/step-4' },
    );
    expect(failure(moved).kind).toBe('unknown_tool');
    expect(existsSync(join(root, 'notes.txt'))).toBe(true);
  });

  it('runs the server as one child process, gone after close', async () => {
    const own = await connectMcp({
      name: 'files-2',
      transport: { type: 'stdio', command: process.execPath, args: [FILESYSTEM_SERVER, outside] },
    });
    expect(childrenRunning(outside)).toHaveLength(1);
    await own.close();
    expect(childrenRunning(outside)).toEqual([]);
  });
});
