/** The JSON a model answered, or why none was found. */
export type JsonAnswer =
  | { readonly ok: true; readonly value: unknown; readonly text: string }
  | { readonly ok: false; readonly error: string };

const FENCE = /```[ \t]*([A-Za-z0-9_-]*)[ \t]*\r?\n?([\s\S]*?)```/g;

/**
 * Finds the JSON in a model's answer as models really write it: bare, inside
 * a markdown fence (` ```json ` first, then any fence), or an object/array
 * amid prose ("Here it is: {...}"). `text` is the JSON text found.
 *
 * @example
 * parseJsonAnswer('Sure!\n```json\n{"ok": true}\n```'); // { ok: true, value: { ok: true }, text: '{"ok": true}' }
 */
export function parseJsonAnswer(answer: string): JsonAnswer {
  for (const candidate of candidates(answer)) {
    try {
      return { ok: true, value: JSON.parse(candidate) as unknown, text: candidate };
    } catch {
      // the next candidate may be the JSON
    }
  }
  return {
    ok: false,
    error:
      answer.trim() === ''
        ? 'the answer is empty; answer with one JSON value'
        : 'the answer holds no valid JSON; answer with one JSON value and nothing else',
  };
}

function* candidates(answer: string): Generator<string> {
  const trimmed = answer.trim();
  yield trimmed;
  const fences = [...trimmed.matchAll(FENCE)];
  const labelled = fences.filter((f) => (f[1] ?? '').toLowerCase() === 'json');
  for (const fence of [...labelled, ...fences.filter((f) => !labelled.includes(f))])
    yield (fence[2] ?? '').trim();
  // A bounded number of starts: prose full of brackets must not cost quadratic time.
  for (let i = 0, starts = 0; i < trimmed.length && starts < 20; i++) {
    const c = trimmed[i];
    if (c !== '{' && c !== '[') continue;
    starts++;
    const end = balancedEnd(trimmed, i);
    if (end !== -1) yield trimmed.slice(i, end + 1);
  }
}

/** Index of the bracket closing the one at `start`, skipping strings; -1 if it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
