import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  IdempotencyKeyRequiredError,
  ToolDefinitionError,
  type ToolResult,
  tool,
} from '../../../agents/tools/index.ts';
import type { Json } from '../../../core/store/store.ts';

function failure(result: ToolResult) {
  if (result.ok) throw new Error(`expected a tool error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

describe('tool', () => {
  const forecast = tool({
    name: 'get_forecast',
    description: 'Weather forecast of a city',
    input: z.object({
      city: z.string().min(1).describe('City name'),
      days: z.number().int().min(1).max(7).default(3),
      unit: z.enum(['c', 'f']).optional(),
    }),
    output: z.object({ city: z.string(), temps: z.array(z.number()) }),
    run: ({ city, days }) => ({ city, temps: Array.from({ length: days }, (_, i) => 10 + i) }),
  });

  it('shows its input to the model as JSON Schema of what to send', () => {
    expect(forecast.definition).toEqual({
      name: 'get_forecast',
      description: 'Weather forecast of a city',
      parameters: {
        type: 'object',
        properties: {
          city: { type: 'string', minLength: 1, description: 'City name' },
          days: { type: 'integer', minimum: 1, maximum: 7, default: 3 },
          unit: { type: 'string', enum: ['c', 'f'] },
        },
        required: ['city'],
      },
    });
    expect(forecast.sideEffect).toBe(false);
    expect(forecast.requiresApproval).toBe(false);
  });

  it('runs with validated input, defaults applied, and returns the checked output', async () => {
    expect(await forecast.call({ city: 'Oslo', days: 2 })).toEqual({
      ok: true,
      value: { city: 'Oslo', temps: [10, 11] },
    });
    expect(await forecast.call({ city: 'Oslo' })).toEqual({
      ok: true,
      value: { city: 'Oslo', temps: [10, 11, 12] },
    });
  });

  it('answers bad input with an invalid_input result naming each problem, without running', async () => {
    let runs = 0;
    const counted = tool({
      name: 'counted',
      description: 'x',
      input: z.object({ n: z.number(), tags: z.array(z.string()) }),
      run: () => {
        runs += 1;
        return null;
      },
    });
    const error = failure(await counted.call({ n: 'one', tags: ['a', 2] }));
    expect(error.kind).toBe('invalid_input');
    expect(error.issues?.map((i) => i.path)).toEqual(['n', 'tags[1]']);
    expect(error.message).toContain('n: ');
    expect(error.message).toContain('tags[1]: ');
    expect(failure(await counted.call('not an object')).kind).toBe('invalid_input');
    expect(runs).toBe(0);
  });

  it('answers an output that breaks the output schema with invalid_output', async () => {
    const liar = tool({
      name: 'liar',
      description: 'x',
      input: z.object({}),
      output: z.object({ count: z.number() }),
      run: () => ({ count: 'many' }) as unknown as { count: number },
    });
    const error = failure(await liar.call({}));
    expect(error.kind).toBe('invalid_output');
    expect(error.issues).toEqual([{ path: 'count', message: expect.any(String) }]);
  });

  it('answers an output that is not plain JSON with invalid_output, even without an output schema', async () => {
    const dated = tool({
      name: 'dated',
      description: 'x',
      input: z.object({}),
      run: () => ({ at: new Date(0) }),
    });
    const infinite = tool({ name: 'inf', description: 'x', input: z.object({}), run: () => [1, Infinity] });
    expect(failure(await dated.call({})).message).toContain('result.at');
    expect(failure(await infinite.call({})).kind).toBe('invalid_output');
  });

  it('returns null for a function that returns nothing', async () => {
    const quiet = tool({ name: 'quiet', description: 'x', input: z.object({}), run: () => undefined });
    expect(await quiet.call({})).toEqual({ ok: true, value: null });
  });

  it('turns a throw into a failed result carrying its message', async () => {
    const broken = tool({
      name: 'broken',
      description: 'x',
      input: z.object({}),
      run: async () => {
        throw new Error('database is read-only');
      },
    });
    const error = failure(await broken.call({}));
    expect(error.kind).toBe('failed');
    expect(error.message).toContain('database is read-only');
  });

  it('cancels a slow run at its time limit and answers timeout', async () => {
    let sawAbort: unknown;
    const slow = tool({
      name: 'slow',
      description: 'x',
      input: z.object({}),
      timeoutMs: 50,
      run: (_, { signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => {
            sawAbort = signal.reason;
            reject(signal.reason);
          });
        }),
    });
    const error = failure(await slow.call({}));
    expect(error.kind).toBe('timeout');
    expect(error.message).toContain('50 ms');
    expect(sawAbort).toBeInstanceOf(DOMException);
    expect((sawAbort as DOMException).name).toBe('TimeoutError');
  });

  it('answers timeout even when the function ignores its signal, and honours a per-call limit', async () => {
    const deaf = tool({
      name: 'deaf',
      description: 'x',
      input: z.object({}),
      run: () => new Promise<null>(() => {}),
    });
    expect(deaf.timeoutMs).toBe(30_000);
    expect(failure(await deaf.call({}, { timeoutMs: 30 })).kind).toBe('timeout');
  });

  it('rejects with the caller’s reason when the caller aborts: there is no result to record', async () => {
    const deaf = tool({
      name: 'deaf',
      description: 'x',
      input: z.object({}),
      run: () => new Promise(() => {}),
    });
    const controller = new AbortController();
    const call = deaf.call({}, { signal: controller.signal });
    controller.abort(new Error('agent stopping'));
    await expect(call).rejects.toThrow('agent stopping');
    await expect(deaf.call({}, { signal: controller.signal })).rejects.toThrow('agent stopping');
  });

  it('passes the idempotency key to a side-effect tool and refuses to run one without', async () => {
    const seen: string[] = [];
    const charge = tool({
      name: 'charge',
      description: 'Charges a card',
      input: z.object({ cents: z.number().int() }),
      sideEffect: true,
      requiresApproval: true,
      run: ({ cents }, { idempotencyKey }) => {
        expectTypeOf(idempotencyKey).toEqualTypeOf<string>();
        seen.push(idempotencyKey);
        return { charged: cents };
      },
    });
    expect(charge.sideEffect).toBe(true);
    expect(charge.requiresApproval).toBe(true);
    expect(await charge.call({ cents: 5 }, { idempotencyKey: 'order-9/step-4' })).toEqual({
      ok: true,
      value: { charged: 5 },
    });
    await expect(charge.call({ cents: 5 })).rejects.toBeInstanceOf(IdempotencyKeyRequiredError);
    expect(seen).toEqual(['order-9/step-4']);
  });

  it('refuses definitions a model provider would refuse', () => {
    const run = () => null;
    expect(() => tool({ name: 'get weather', description: '', input: z.object({}), run })).toThrow(
      ToolDefinitionError,
    );
    expect(() => tool({ name: 'x'.repeat(65), description: '', input: z.object({}), run })).toThrow(
      ToolDefinitionError,
    );
    expect(() => tool({ name: 'dates', description: '', input: z.object({ at: z.date() }), run })).toThrow(
      /JSON Schema/,
    );
    expect(() => tool({ name: 't', description: '', input: z.object({}), timeoutMs: 0, run })).toThrow(
      ToolDefinitionError,
    );
  });

  it('gives results that are JSON values, so an agent can journal them as they are', () => {
    expectTypeOf<ToolResult>().toExtend<Json>();
  });
});
