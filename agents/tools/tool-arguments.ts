import type { ToolCall } from '../models/chat-model.ts';
import type { ToolResult } from './tool.ts';

/**
 * The arguments of a model's tool call, parsed. Empty text counts as `{}`:
 * some providers send nothing for a tool without parameters.
 */
export function parseToolArguments(
  call: ToolCall,
): { readonly value: unknown } | { readonly error: ToolResult & { readonly ok: false } } {
  const text = call.arguments.trim();
  if (text === '') return { value: {} };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return {
      error: {
        ok: false,
        error: {
          kind: 'invalid_input',
          message: `the arguments of tool "${call.name}" are not valid JSON (${why}); send one JSON object that matches its parameters`,
        },
      },
    };
  }
}
