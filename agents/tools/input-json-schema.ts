import { z } from 'zod';
import type { JsonSchema } from '../models/chat-model.ts';
import { ToolDefinitionError } from './tool-errors.ts';

/**
 * The JSON Schema of what the model must send (`io: 'input'`, so fields with
 * defaults are optional). `$schema` is dropped: some providers refuse it.
 */
export function inputJsonSchema(tool: string, input: z.ZodType): JsonSchema {
  let schema: Record<string, unknown>;
  try {
    schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'throw' }) as Record<string, unknown>;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ToolDefinitionError(
      tool,
      `its input schema has no JSON Schema form (${why}); use JSON types (e.g. an ISO string instead of z.date())`,
    );
  }
  if (schema.type !== 'object')
    throw new ToolDefinitionError(
      tool,
      'its input schema must be z.object(...): models send named arguments',
    );
  const { $schema: _dropped, ...rest } = schema;
  return rest;
}
