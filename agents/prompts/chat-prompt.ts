import type { ChatMessage } from '../models/chat-model.ts';
import { checkValues, type PromptArguments, type VariablesOf } from './prompt-values.ts';
import { fillTemplate, parseTemplate, type TemplatePart, variablesOf } from './template-text.ts';

/** A prompt made from chat messages; see {@link chatPrompt}. */
export interface ChatPrompt<V extends string = string> {
  readonly messages: readonly ChatMessage[];
  /** Variable names of all messages, in order of first use. */
  readonly variables: readonly string[];
  /**
   * The messages with their `content` filled in; other fields (tool calls,
   * tool call ids) are copied unchanged. Throws PromptVariablesError unless
   * `values` has exactly the variables of all messages together.
   */
  render(...values: PromptArguments<V>): ChatMessage[];
}

/**
 * A prompt from chat messages whose `content` may hold `{name}` variables;
 * `{{` and `}}` are literal braces. Malformed templates throw
 * PromptSyntaxError here, not at render.
 *
 * @example
 * const support = chatPrompt([
 *   { role: 'system', content: 'You are a {tone} support agent for {product}.' },
 *   { role: 'user', content: '{question}' },
 * ]);
 * const messages = support.render({ tone: 'friendly', product: 'eddy', question: 'How do I replay a key?' });
 * await model.chat({ messages });
 */
export function chatPrompt<const M extends readonly ChatMessage[]>(
  messages: M,
): ChatPrompt<VariablesOf<M[number]['content']>> {
  const parsed: readonly (readonly [ChatMessage, readonly TemplatePart[]])[] = messages.map((m) => [
    m,
    parseTemplate(m.content),
  ]);
  const variables = Object.freeze(variablesOf(parsed.flatMap(([, parts]) => parts)));
  return Object.freeze({
    messages: Object.freeze([...messages]),
    variables,
    render: (...args: PromptArguments<VariablesOf<M[number]['content']>>): ChatMessage[] => {
      const values = checkValues(variables, args[0]);
      return parsed.map(([message, parts]) => ({ ...message, content: fillTemplate(parts, values) }));
    },
  });
}
