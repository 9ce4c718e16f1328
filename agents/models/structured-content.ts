import { parseJsonAnswer } from './json-answer.ts';

/**
 * The content of an answer to a structured-output request: the JSON text
 * when one is found (out of a fence or prose), else the answer unchanged so
 * the caller's validation can say what is wrong.
 */
export function structuredContent(content: string): string {
  const found = parseJsonAnswer(content);
  return found.ok ? found.text : content;
}
