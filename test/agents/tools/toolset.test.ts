import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  DuplicateToolError,
  IdempotencyKeyRequiredError,
  type Tool,
  type ToolSource,
  Toolset,
  tool,
  toolMessage,
} from '../../../agents/tools/index.ts';

const add = tool({
  name: 'add',
  description: 'Adds two numbers',
  input: z.object({ a: z.number(), b: z.number() }),
  run: ({ a, b }) => a + b,
});
const greet = tool({
  name: 'greet',
  description: 'Greets',
  input: z.object({ name: z.string().default('world') }),
  run: ({ name }) => `hello ${name}`,
});
const store = tool({
  name: 'store',
  description: 'Stores a note',
  input: z.object({ note: z.string() }),
  sideEffect: true,
  run: ({ note }, { idempotencyKey }) => ({ note, key: idempotencyKey }),
});

/** A source whose tools change while it runs, like an MCP server. */
function changingSource(initial: readonly Tool[]): ToolSource & { set(tools: readonly Tool[]): void } {
  let current = initial;
  return {
    tools: () => current,
    set: (tools) => {
      current = tools;
    },
  };
}

describe('Toolset', () => {
  it('looks tools up by name across tools and sources and lists their definitions', () => {
    const tools = new Toolset([add, changingSource([greet])]);
    expect(tools.get('greet')).toBe(greet);
    expect(tools.get('nope')).toBeUndefined();
    expect(tools.definitions().map((d) => d.name)).toEqual(['add', 'greet']);
  });

  it('rejects duplicate names when made', () => {
    expect(() => new Toolset([add, add])).toThrow(DuplicateToolError);
    expect(() => new Toolset([add, changingSource([greet, add])])).toThrow(/"add"/);
  });

  it('rejects a duplicate a source brings in later, at the next lookup', () => {
    const source = changingSource([greet]);
    const tools = new Toolset([add, source]);
    source.set([greet, add]);
    expect(() => tools.definitions()).toThrow(DuplicateToolError);
    source.set([greet]);
    expect(tools.definitions()).toHaveLength(2);
  });

  it('follows a source as its tools change', async () => {
    const source = changingSource([]);
    const tools = new Toolset([source]);
    expect((await tools.execute({ id: '1', name: 'greet', arguments: '{}' })).ok).toBe(false);
    source.set([greet]);
    expect(await tools.execute({ id: '2', name: 'greet', arguments: '{}' })).toEqual({
      ok: true,
      value: 'hello world',
    });
  });

  it('executes a model’s call from its raw arguments', async () => {
    const tools = new Toolset([add, greet]);
    expect(await tools.execute({ id: 'c1', name: 'add', arguments: '{"a": 2, "b": 3}' })).toEqual({
      ok: true,
      value: 5,
    });
    expect(await tools.execute({ id: 'c2', name: 'greet', arguments: '  ' })).toEqual({
      ok: true,
      value: 'hello world',
    });
  });

  it('answers malformed arguments and unknown tools with results the model can read', async () => {
    const tools = new Toolset([add, greet]);
    const malformed = await tools.execute({ id: 'c1', name: 'add', arguments: '{"a": 2,' });
    expect(malformed).toMatchObject({ ok: false, error: { kind: 'invalid_input' } });
    const unknown = await tools.execute({ id: 'c2', name: 'subtract', arguments: '{}' });
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'unknown_tool' } });
    expect(unknown.ok || unknown.error.message).toContain('add, greet');
  });

  it('passes the call context through, idempotency key included', async () => {
    const tools = new Toolset([store]);
    const call = { id: 'c1', name: 'store', arguments: '{"note":"n"}' };
    expect(await tools.execute(call, { idempotencyKey: 'k-1' })).toEqual({
      ok: true,
      value: { note: 'n', key: 'k-1' },
    });
    await expect(tools.execute(call)).rejects.toBeInstanceOf(IdempotencyKeyRequiredError);
  });
});

describe('toolMessage', () => {
  const call = { id: 'c7', name: 'add', arguments: '{}' };

  it('shows text as it is and other values as JSON', () => {
    expect(toolMessage(call, { ok: true, value: 'hi' })).toEqual({
      role: 'tool',
      toolCallId: 'c7',
      name: 'add',
      content: 'hi',
    });
    expect(toolMessage(call, { ok: true, value: { n: [1, 2] } }).content).toBe('{"n":[1,2]}');
  });

  it('marks errors so the model is told the call failed', () => {
    expect(toolMessage(call, { ok: false, error: { kind: 'timeout', message: 'too slow' } })).toEqual({
      role: 'tool',
      toolCallId: 'c7',
      name: 'add',
      content: 'too slow',
      isError: true,
    });
  });
});
