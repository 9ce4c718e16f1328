import type { ZodType } from 'zod';
import type { Json } from '../../core/store/store.ts';

export type ParsedAnswer =
  | { readonly ok: true; readonly value: Json }
  | { readonly ok: false; readonly error: string };

const FENCE = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/;

/**
 * The final answer: the text itself when there is no schema; otherwise the JSON
 * in it (inside a markdown fence or bare) checked against the schema. The error
 * says what to fix, for the model's repair round.
 */
export function parseAnswer(content: string, schema: ZodType<Json> | undefined): ParsedAnswer {
  if (!schema) return { ok: true, value: content };
  const text = (FENCE.exec(content)?.[1] ?? content).trim();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the answer is not JSON' };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  return { ok: false, error: issues };
}
