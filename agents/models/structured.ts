import { z } from 'zod';
import type { ChatMessage, ChatModel, ChatRequest, ChatResponse, JsonSchema, Usage } from './chat-model.ts';
import { parseJsonAnswer } from './json-answer.ts';
import { StructuredOutputError } from './structured-output-error.ts';
import { sumUsage } from './usage.ts';

/** A structured request: a chat request whose answer format comes from the zod schema. */
export type StructuredRequest = Omit<ChatRequest, 'responseFormat'> & {
  /** Name of the answer format, shown to the provider (default `answer`). */
  readonly name?: string;
};

/** The checked answer, with every response it took (one, or two after a repair). */
export interface Structured<T> {
  readonly value: T;
  readonly responses: readonly ChatResponse[];
  readonly usage: Usage;
}

/**
 * Asks for an answer matching a zod schema (sent as the provider's
 * structured-output format) and checks it. JSON in a markdown fence or amid
 * prose is accepted. When the answer does not match, the model is asked
 * once more with the validation errors; a second miss throws
 * StructuredOutputError.
 *
 * @example
 * const { value } = await structured(model, { messages: [{ role: 'user', content: review }] },
 *   z.object({ sentiment: z.enum(['positive', 'negative']), topics: z.array(z.string()) }));
 */
export async function structured<S extends z.ZodType>(
  model: ChatModel,
  request: StructuredRequest,
  schema: S,
): Promise<Structured<z.output<S>>> {
  const { name = 'answer', ...rest } = request;
  const responseFormat = { name, schema: jsonSchemaOf(schema) };
  const responses: ChatResponse[] = [];
  let messages: readonly ChatMessage[] = request.messages;
  let problems: readonly string[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    const response = await model.chat({ ...rest, messages, responseFormat });
    responses.push(response);
    const checked = check(response.content, schema);
    if (checked.ok)
      return { value: checked.value, responses, usage: sumUsage(responses.map((r) => r.usage)) };
    problems = checked.problems;
    messages = [
      ...messages,
      { role: 'assistant', content: response.content },
      {
        role: 'user',
        content: `Your answer does not match the required JSON Schema: ${problems.join('; ')}. Answer again with only the corrected JSON.`,
      },
    ];
  }
  const last = responses.at(-1);
  throw new StructuredOutputError(last?.model ?? model.id, problems, last?.content ?? '', responses.length);
}

/**
 * The JSON Schema a provider is sent: what the model must write (`io: 'input'`), without `$schema`.
 *
 * @example
 * const responseFormat = { name: 'ticket', schema: jsonSchemaOf(z.object({ title: z.string() })) };
 */
export function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema: _dropped, ...rest } = json;
  return rest;
}

function check<S extends z.ZodType>(
  content: string,
  schema: S,
):
  | { readonly ok: true; readonly value: z.output<S> }
  | { readonly ok: false; readonly problems: readonly string[] } {
  const json = parseJsonAnswer(content);
  if (!json.ok) return { ok: false, problems: [json.error] };
  const result = schema.safeParse(json.value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
  };
}
