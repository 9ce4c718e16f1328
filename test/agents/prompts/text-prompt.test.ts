import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  PromptSyntaxError,
  PromptVariablesError,
  prompt,
  type VariablesOf,
} from '../../../agents/prompts/index.ts';

function variablesError(run: () => unknown): PromptVariablesError {
  try {
    run();
  } catch (error) {
    if (error instanceof PromptVariablesError) return error;
    throw error;
  }
  throw new Error('expected a PromptVariablesError');
}

describe('prompt', () => {
  it('fills variables, repeated ones too, and renders one message', () => {
    const ask = prompt('{city}: weather in {city} for {days} days, metric={metric}');
    expect(ask.variables).toEqual(['city', 'days', 'metric']);
    expect(ask.format({ city: 'Oslo', days: 3, metric: true })).toBe(
      'Oslo: weather in Oslo for 3 days, metric=true',
    );
    expect(ask.render({ city: 'Oslo', days: 3, metric: false })).toEqual([
      { role: 'user', content: 'Oslo: weather in Oslo for 3 days, metric=false' },
    ]);
  });

  it('renders with the role asked for', () => {
    expect(prompt('Be {tone}.', { role: 'system' }).render({ tone: 'brief' })).toEqual([
      { role: 'system', content: 'Be brief.' },
    ]);
  });

  it('turns {{ and }} into literal braces, also right around a variable', () => {
    const json = prompt('Answer as {{"city": "{city}"}}, or {{{kind}}}; }}{{');
    expect(json.variables).toEqual(['city', 'kind']);
    expect(json.format({ city: 'Oslo', kind: 'none' })).toBe('Answer as {"city": "Oslo"}, or {none}; }{');
  });

  it('does not fill values into values: a value holding {braces} stays as given', () => {
    expect(prompt('{a}').format({ a: '{b} {{c}}' })).toBe('{b} {{c}}');
  });

  it('names every missing variable', () => {
    const error = variablesError(() => prompt('{a} {b} {c}').format({ b: 'x' } as never));
    expect(error.missing).toEqual(['a', 'c']);
    expect(error.unexpected).toEqual([]);
    expect(error.message).toContain('missing a, c');
  });

  it('treats a variable set to undefined as missing', () => {
    const values: Record<string, string | undefined> = { a: undefined };
    const error = variablesError(() => prompt('{a}').format(values as { a: string }));
    expect(error.missing).toEqual(['a']);
  });

  it('rejects extra variables, so a misspelt name is reported with the one it meant', () => {
    const error = variablesError(() => prompt('Hi {name}').format({ nmae: 'Ada' } as never));
    expect(error.missing).toEqual(['name']);
    expect(error.unexpected).toEqual(['nmae']);
    expect(error.message).toContain('unexpected nmae');
  });

  it('rejects values a template cannot show faithfully', () => {
    const values = { list: [1, 2], none: null, ok: 'x' } as unknown as Record<string, string>;
    const error = variablesError(() => prompt('{list} {none} {ok}').format(values as never));
    expect(error.invalid).toEqual(['list', 'none']);
  });

  it('needs no values when the template has no variables, but rejects any given', () => {
    const plain = prompt('Just {{text}}');
    expect(plain.variables).toEqual([]);
    expect(plain.format()).toBe('Just {text}');
    expect(variablesError(() => plain.format({ x: 1 } as never)).unexpected).toEqual(['x']);
  });

  it.each([
    ['Reply with {"ok": true}', 11],
    ['a } b', 2],
    ['open { never closed', 5],
    ['{ name }', 0],
    ['{}', 0],
    ['{1st}', 0],
  ])('refuses the malformed template %j when it is created', (template, offset) => {
    let caught: unknown;
    try {
      prompt(template);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PromptSyntaxError);
    expect((caught as PromptSyntaxError).offset).toBe(offset);
  });

  it('checks variables at compile time for literal templates', () => {
    expectTypeOf<VariablesOf<'Hi {name}, {{not}} {{{age}}}'>>().toEqualTypeOf<'name' | 'age'>();
    expectTypeOf<VariablesOf<string>>().toEqualTypeOf<string>();
    const greet = prompt('Hi {name}');
    // @ts-expect-error name is missing
    expect(() => greet.format({})).toThrow(PromptVariablesError);
    // @ts-expect-error extra is not a variable of the template
    expect(() => greet.format({ name: 'a', extra: 'b' })).toThrow(PromptVariablesError);
  });
});
