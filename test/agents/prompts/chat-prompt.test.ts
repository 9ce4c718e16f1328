import { describe, expect, it } from 'vitest';
import { chatPrompt, PromptSyntaxError, PromptVariablesError } from '../../../agents/prompts/index.ts';

describe('chatPrompt', () => {
  const support = chatPrompt([
    { role: 'system', content: 'You are a {tone} agent for {product}. Reply as {{"answer": string}}.' },
    { role: 'user', content: 'Earlier: {question}' },
    {
      role: 'assistant',
      content: 'Looking up {product}',
      toolCalls: [{ id: 'c1', name: 'search', arguments: '{"q":"{raw}"}' }],
    },
    { role: 'tool', toolCallId: 'c1', name: 'search', content: 'found {{nothing}}' },
    { role: 'user', content: '{question}' },
  ]);

  it('collects the variables of all messages in order of first use', () => {
    expect(support.variables).toEqual(['tone', 'product', 'question']);
  });

  it('fills every message and copies the other fields unchanged', () => {
    expect(support.render({ tone: 'calm', product: 'eddy', question: 'Why?' })).toEqual([
      { role: 'system', content: 'You are a calm agent for eddy. Reply as {"answer": string}.' },
      { role: 'user', content: 'Earlier: Why?' },
      {
        role: 'assistant',
        content: 'Looking up eddy',
        toolCalls: [{ id: 'c1', name: 'search', arguments: '{"q":"{raw}"}' }],
      },
      { role: 'tool', toolCallId: 'c1', name: 'search', content: 'found {nothing}' },
      { role: 'user', content: 'Why?' },
    ]);
  });

  it('renders fresh messages each time and never changes the template', () => {
    const first = support.render({ tone: 'calm', product: 'eddy', question: 'one' });
    const second = support.render({ tone: 'terse', product: 'eddy', question: 'two' });
    expect(first[4]).toEqual({ role: 'user', content: 'one' });
    expect(second[4]).toEqual({ role: 'user', content: 'two' });
    expect(support.messages[4]).toEqual({ role: 'user', content: '{question}' });
  });

  it('names missing and extra variables across messages', () => {
    let caught: unknown;
    try {
      support.render({ tone: 'calm', question: 'q', prodcut: 'eddy' } as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PromptVariablesError);
    expect((caught as PromptVariablesError).missing).toEqual(['product']);
    expect((caught as PromptVariablesError).unexpected).toEqual(['prodcut']);
  });

  it('refuses a malformed message when created', () => {
    expect(() =>
      chatPrompt([
        { role: 'user', content: 'ok {a}' },
        { role: 'user', content: 'bad }' },
      ]),
    ).toThrow(PromptSyntaxError);
  });

  it('checks variables at compile time', () => {
    const p = chatPrompt([
      { role: 'system', content: '{a}' },
      { role: 'user', content: '{b}' },
    ]);
    // @ts-expect-error b is missing
    expect(() => p.render({ a: 'x' })).toThrow(PromptVariablesError);
    expect(p.render({ a: 'x', b: 'y' })).toHaveLength(2);
  });
});
