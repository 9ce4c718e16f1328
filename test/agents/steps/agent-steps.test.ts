import { describe, expect, it } from 'vitest';
import type { ChatResponse } from '../../../agents/models/chat-model.ts';
import { deniedText, openApproval, resolveApproval } from '../../../agents/steps/approval.ts';
import type { ApprovalRejected } from '../../../agents/steps/approval-input.ts';
import { modelStep } from '../../../agents/steps/model-step.ts';
import type { StepScope } from '../../../agents/steps/step-scope.ts';
import { type ToolScope, toolResultText, toolStep } from '../../../agents/steps/tool-step.ts';
import type { TraceLine } from '../../../agents/steps/trace.ts';
import type { Tool, ToolResult } from '../../../agents/tools/tool.ts';
import { Toolset } from '../../../agents/tools/toolset.ts';
import type { ActorContext, StepInfo, Timers } from '../../../core/actor/actor-context.ts';
import type { Json } from '../../../core/store/store.ts';

/** A scope whose `run` runs each step at once under ids step-0, step-1, ..., noting names and results. */
function scope(): ToolScope & {
  readonly steps: { name: string; value: Json }[];
  readonly traced: TraceLine[];
} {
  const steps: { name: string; value: Json }[] = [];
  const traced: TraceLine[] = [];
  const run = async <T extends Json>(name: string, fn: (step: StepInfo) => T | Promise<T>): Promise<T> => {
    const value = await fn({ id: `step-${steps.length}`, name });
    steps.push({ name, value });
    return value;
  };
  const ctx = { actor: 'a', key: 'k', run, runNamed: run, writeMemory: () => {} };
  return { agent: 'a', runId: 'r1', ctx, trace: (l) => traced.push(l), steps, traced };
}

const answer: ChatResponse = {
  content: 'hi',
  toolCalls: [],
  stopReason: 'end',
  usage: { inputTokens: 1, outputTokens: 2 },
  model: 'test:m',
};

function handTool(name: string, call: Tool['call'], timeoutMs = 30): Tool {
  return {
    name,
    definition: { name, description: name, parameters: { type: 'object' } },
    sideEffect: true,
    requiresApproval: false,
    timeoutMs,
    call,
  };
}

describe('model step', () => {
  it('journals what the agent records of the answer, and traces the call', async () => {
    const s = scope();
    const model = { id: 'test:m', offline: false, chat: async () => answer };
    const outcome = await modelStep(s, {
      name: 'model',
      model,
      request: { messages: [{ role: 'user', content: 'q' }] },
      step: 1,
      record: (a) => ({ text: a.content }),
    });
    expect(outcome).toEqual({ ok: true, record: { text: 'hi' } });
    expect(s.steps).toEqual([{ name: 'model', value: { text: 'hi' } }]);
    expect(s.traced[0]).toMatchObject({ kind: 'model', agent: 'a', runId: 'r1', step: 1, stepId: 'step-0' });
  });

  it('makes a model failure an outcome, not journaled, and lets every other failure through', async () => {
    const s = scope();
    const failing = {
      id: 'test:m',
      offline: false,
      chat: async (): Promise<ChatResponse> => {
        throw new RangeError('quota');
      },
    };
    const request = { messages: [] };
    const outcome = await modelStep(s, { name: 'model', model: failing, request, step: 1, record: () => 1 });
    expect(outcome).toMatchObject({ ok: false, message: 'RangeError: quota' });
    expect(s.steps).toEqual([]);
    expect(s.traced).toEqual([
      { kind: 'error', agent: 'a', key: 'k', runId: 'r1', error: 'RangeError: quota' },
    ]);
    // A re-run that does not match the journal must reach the runtime, not pass for a model error.
    const mismatch = new Error('non-determinism');
    const strict: StepScope = { ...s, ctx: { key: 'k', run: () => Promise.reject(mismatch) } };
    const model = { id: 'test:m', offline: false, chat: async () => answer };
    await expect(modelStep(strict, { name: 'model', model, request, step: 1, record: () => 1 })).rejects.toBe(
      mismatch,
    );
  });
});

describe('tool step', () => {
  it('passes the step id as the idempotency key and journals the recorded result', async () => {
    const s = scope();
    const keys: (string | undefined)[] = [];
    const tools = new Toolset([
      handTool('book', async (_input, context) => {
        keys.push(context?.idempotencyKey);
        return { ok: true, value: { booked: true } };
      }),
    ]);
    const text = await toolStep(s, {
      tools,
      call: { id: 'c1', name: 'book', arguments: '{}' },
      record: toolResultText,
    });
    expect(text).toBe('{"booked":true}');
    expect(keys).toEqual(['step-0']);
    expect(s.steps).toEqual([{ name: 'tool:book', value: '{"booked":true}' }]);
    expect(s.traced[0]).toMatchObject({ kind: 'tool', tool: 'book', ok: true, arguments: '{}' });
  });

  it('turns a throw, an unknown tool and a tool that ignores its time limit into results the model reads', async () => {
    const s = scope();
    const tools = new Toolset([
      handTool('boom', async () => {
        throw new Error('disk full');
      }),
      handTool('stuck', () => new Promise<ToolResult>(() => {}), 10),
    ]);
    const record = (result: ToolResult): Json => result as Json;
    const run = (name: string) => toolStep(s, { tools, call: { id: 'c', name, arguments: '{}' }, record });
    expect(await run('boom')).toEqual({ ok: false, error: { kind: 'failed', message: 'disk full' } });
    expect(await run('nope')).toMatchObject({ ok: false, error: { kind: 'unknown_tool' } });
    const started = Date.now();
    expect(await run('stuck')).toMatchObject({ ok: false, error: { kind: 'timeout' } });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(toolResultText({ ok: false, error: { kind: 'timeout', message: 'late' } })).toBe('timeout: late');
  });
});

describe('approval requests', () => {
  /** A ctx with a fixed clock and random, recording timers and outputs. */
  function approvalCtx() {
    const outputs: Json[] = [];
    const timers: { op: string; name: string; at?: number }[] = [];
    const t: Timers = {
      setEventTime: () => {},
      setProcessingTime: (name, at) => timers.push({ op: 'set', name, at }),
      cancel: (name) => timers.push({ op: 'cancel', name }),
      get: () => undefined,
    };
    const ctx: Pick<ActorContext<Json>, 'now' | 'random' | 'timers' | 'emit'> = {
      now: () => 1_000,
      random: () => 0.5,
      timers: t,
      emit: (o) => outputs.push(o),
    };
    return { ctx, outputs, timers };
  }

  it('opens a request with an unguessable id, a durable expiry and the output the agent builds', () => {
    const { ctx, outputs, timers } = approvalCtx();
    const opened = openApproval(ctx, 'r1/1/c1', 500, (o) => ({ type: 'approval-request', ...o }));
    expect(opened.requestId).toMatch(/^r1\/1\/c1\/[0-9a-z]+$/);
    expect(opened.expiresAt).toBe(1_500);
    expect(timers).toEqual([{ op: 'set', name: `approval:${opened.requestId}`, at: 1_500 }]);
    expect(outputs).toEqual([{ type: 'approval-request', ...opened }]);
  });

  it('resolves a pending request by decision or expiry, and answers any other decision with a rejection', () => {
    const { ctx, outputs, timers } = approvalCtx();
    const rejecting = ctx as Pick<ActorContext<ApprovalRejected>, 'emit' | 'timers'>;
    const pending = (id: string) => id === 'req';
    const input = { type: 'approval' as const, requestId: 'req', approved: false, by: 'ops', reason: 'no' };
    const denied = resolveApproval(rejecting, { kind: 'decision', input }, pending);
    expect(denied).toEqual({
      type: 'ApprovalResolved',
      requestId: 'req',
      approved: false,
      by: 'ops',
      reason: 'no',
    });
    expect(timers).toEqual([{ op: 'cancel', name: 'approval:req' }]);
    expect(deniedText(denied as NonNullable<typeof denied>)).toBe('not run: denied by ops (no)');

    const forged = { ...input, requestId: 'req-forged', approved: true };
    expect(resolveApproval(rejecting, { kind: 'decision', input: forged }, pending)).toBeUndefined();
    expect(outputs).toEqual([
      {
        type: 'approval-rejected',
        requestId: 'req-forged',
        reason: 'no pending approval request has this id',
      },
    ]);

    expect(resolveApproval(rejecting, { kind: 'timer', name: 'approval:req' }, pending)).toMatchObject({
      approved: false,
      by: 'timeout',
    });
    expect(resolveApproval(rejecting, { kind: 'timer', name: 'other:req' }, pending)).toBeUndefined();
    expect(resolveApproval(rejecting, { kind: 'timer', name: 'approval:gone' }, pending)).toBeUndefined();
  });
});
