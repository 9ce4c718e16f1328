/**
 * Prompt templates: text or chat messages with `{name}` variables that render
 * to `ChatMessage[]`. `{{` and `}}` are literal braces; missing and extra
 * variables are errors (PromptVariablesError), malformed templates fail when
 * created (PromptSyntaxError).
 *
 * @example
 * import { chatPrompt, prompt } from './agents/prompts/index.ts';
 * const system = prompt('You answer in {language}.', { role: 'system' });
 * const messages = [...system.render({ language: 'French' }), { role: 'user', content: 'Hello' }];
 */
export { type ChatPrompt, chatPrompt } from './chat-prompt.ts';
export { PromptSyntaxError } from './prompt-syntax-error.ts';
export type { PromptArguments, PromptValue, PromptValues, VariablesOf } from './prompt-values.ts';
export { PromptVariablesError } from './prompt-variables-error.ts';
export { prompt, type TextPrompt } from './text-prompt.ts';
