import type { ChatMessage } from '../models/chat-model.ts';
import { checkValues, type PromptArguments, type VariablesOf } from './prompt-values.ts';
import { fillTemplate, parseTemplate, variablesOf } from './template-text.ts';

/** A prompt made from one text; see {@link prompt}. */
export interface TextPrompt<V extends string = string> {
  readonly template: string;
  /** Role of the one message `render` returns. */
  readonly role: 'system' | 'user' | 'assistant';
  /** Variable names in order of first use. */
  readonly variables: readonly string[];
  /** The filled-in text. Throws PromptVariablesError unless `values` has exactly the variables. */
  format(...values: PromptArguments<V>): string;
  /** The filled-in text as one message. Throws PromptVariablesError like `format`. */
  render(...values: PromptArguments<V>): ChatMessage[];
}

/**
 * A prompt from text with `{name}` variables; `{{` and `}}` are literal braces.
 * Malformed templates throw PromptSyntaxError here, not at render. With a
 * literal template the variables are checked at compile time too.
 *
 * @example
 * const ask = prompt('What is the weather in {city}? Answer as {{"temp": number}}.');
 * ask.format({ city: 'Oslo' }); // 'What is the weather in Oslo? Answer as {"temp": number}.'
 * ask.render({ city: 'Oslo' }); // [{ role: 'user', content: 'What is the weather in Oslo? …' }]
 * ask.render({}); // throws PromptVariablesError (missing city)
 */
export function prompt<const T extends string>(
  template: T,
  options: { readonly role?: 'system' | 'user' | 'assistant' } = {},
): TextPrompt<VariablesOf<T>> {
  const parts = parseTemplate(template);
  const variables = Object.freeze(variablesOf(parts));
  const role = options.role ?? 'user';
  const format = (...args: PromptArguments<VariablesOf<T>>): string =>
    fillTemplate(parts, checkValues(variables, args[0]));
  return Object.freeze({
    template,
    role,
    variables,
    format,
    render: (...args: PromptArguments<VariablesOf<T>>): ChatMessage[] => [{ role, content: format(...args) }],
  });
}
