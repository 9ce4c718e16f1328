import type { z } from 'zod';
import type { ToolCall } from './chat-model.ts';
import { parseJsonAnswer } from './json-answer.ts';

/** One problem with the arguments, `path` in dotted form (`''` for the whole object). */
export interface ArgumentIssue {
  readonly path: string;
  readonly message: string;
}

/** A tool call's arguments checked against the tool's schema. */
export type ToolArguments<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      /** `invalid_json`: not JSON at all; `invalid_arguments`: JSON that does not match the schema. */
      readonly reason: 'invalid_json' | 'invalid_arguments';
      /** Written for the model: send it back as the tool's error so it can call again. */
      readonly message: string;
      readonly issues: readonly ArgumentIssue[];
    };

/**
 * Parses and validates a model's tool-call arguments. Models send malformed
 * JSON now and then (cut short, single quotes, wrapped in a fence): the raw
 * text stays in `call.arguments`, and a failure here comes with a message to
 * answer the model with. Empty arguments count as `{}` (some providers send
 * nothing for a tool without parameters); a fenced object is accepted.
 *
 * @example
 * const args = parseToolArguments(call, z.object({ city: z.string() }));
 * if (!args.ok) messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: args.message, isError: true });
 * else await weather(args.value.city);
 */
export function parseToolArguments<S extends z.ZodType>(
  call: ToolCall,
  schema: S,
): ToolArguments<z.output<S>> {
  const text = call.arguments.trim();
  let json: unknown = {};
  if (text !== '') {
    const parsed = strictJson(text) ?? parseJsonAnswer(text);
    if (!parsed.ok)
      return {
        ok: false,
        reason: 'invalid_json',
        message: `the arguments of tool "${call.name}" are not valid JSON; call it again with one JSON object that matches its parameters`,
        issues: [{ path: '', message: 'not valid JSON' }],
      };
    json = parsed.value;
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((issue) => ({ path: dotted(issue.path), message: issue.message }));
  const listed = issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ');
  return {
    ok: false,
    reason: 'invalid_arguments',
    message: `the arguments of tool "${call.name}" do not match its parameters (${listed}); call it again with corrected arguments`,
    issues,
  };
}

function strictJson(text: string): { readonly ok: true; readonly value: unknown } | undefined {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
    .join('')
    .replace(/^\./, '');
}
