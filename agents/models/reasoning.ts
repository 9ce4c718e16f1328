/** Answer text and the reasoning that was shown inline, apart. */
export interface SplitText {
  readonly content: string;
  readonly reasoning: string | undefined;
}

const BLOCK = /<think>([\s\S]*?)<\/think>/g;
const OPEN = '<think>';
const CLOSE = '</think>';

/**
 * Takes `<think>…</think>` blocks out of a model's text (DeepSeek-R1, Qwen3,
 * QwQ and other open models show their reasoning that way). Two real-world
 * variants too: a `</think>` with no opening tag (the chat template put it in
 * the prompt), whose text before it is reasoning; and a `<think>` never closed
 * (cut by max tokens), whose text after it is.
 *
 * @example
 * splitReasoning('<think>2+2 is 4</think>\nThe answer is 4.');
 * // { content: 'The answer is 4.', reasoning: '2+2 is 4' }
 */
export function splitReasoning(text: string): SplitText {
  const parts: string[] = [];
  let rest = text;
  const orphanClose = rest.indexOf(CLOSE);
  if (orphanClose !== -1 && !rest.slice(0, orphanClose).includes(OPEN)) {
    parts.push(rest.slice(0, orphanClose));
    rest = rest.slice(orphanClose + CLOSE.length);
  }
  rest = rest.replace(BLOCK, (_block, inner: string) => {
    parts.push(inner);
    return '';
  });
  const unclosed = rest.indexOf(OPEN);
  if (unclosed !== -1) {
    parts.push(rest.slice(unclosed + OPEN.length));
    rest = rest.slice(0, unclosed);
  }
  const reasoning = joinReasoning(parts.map((p) => p.trim()));
  return { content: parts.length > 0 ? rest.trim() : text, reasoning };
}

/** Non-empty pieces of reasoning joined by a blank line, or undefined when there are none. */
export function joinReasoning(parts: readonly (string | undefined)[]): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined && p.trim() !== '');
  return kept.length === 0 ? undefined : kept.join('\n\n');
}
