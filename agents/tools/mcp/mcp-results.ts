import { type CallToolResult, ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { JsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';
import { asJournalJson } from '../json-value.ts';
import { type ToolResult, toolError } from '../tool.ts';

type Content = CallToolResult['content'];

/**
 * An MCP call result as a ToolResult. The value is `structuredContent` when
 * the server sends it, else the text of the content blocks (joined by
 * newlines) when all are text, else the content blocks themselves.
 */
export function fromCallResult(
  tool: string,
  result: CallToolResult,
  output: { readonly declared: boolean; readonly validate: JsonSchemaValidator<unknown> | undefined },
): ToolResult {
  if (result.isError === true)
    return toolError('failed', `tool "${tool}" failed: ${contentText(result.content)}`);
  const structured = result.structuredContent;
  if (output.declared && structured === undefined)
    return toolError(
      'invalid_output',
      `tool "${tool}" declares an output schema but sent no structured content; the fault is in the server, not in your arguments`,
    );
  if (structured !== undefined && output.validate !== undefined) {
    const checked = output.validate(structured);
    if (!checked.valid)
      return toolError(
        'invalid_output',
        `tool "${tool}" sent a result that breaks its own output schema (${checked.errorMessage}); the fault is in the server, not in your arguments`,
      );
  }
  const json = asJournalJson(structured ?? contentValue(result.content));
  if ('problem' in json)
    return toolError(
      'invalid_output',
      `tool "${tool}" sent a result that cannot be kept as JSON (${json.problem})`,
    );
  return { ok: true, value: json.json };
}

/** A rejected MCP call as a ToolResult (the caller's own abort is handled before). */
export function fromCallError(server: string, tool: string, timeoutMs: number, error: unknown): ToolResult {
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout)
      return toolError(
        'timeout',
        `tool "${tool}" of MCP server "${server}" did not answer within ${timeoutMs} ms and was cancelled; try again later or ask for less`,
      );
    if (error.code === ErrorCode.ConnectionClosed)
      return toolError(
        'unavailable',
        `MCP server "${server}" closed the connection during the call to "${tool}"; it is not available now`,
      );
    return toolError('protocol', `MCP server "${server}" refused the call to "${tool}": ${error.message}`, {
      code: error.code,
    });
  }
  const why = error instanceof Error ? error.message : String(error);
  return toolError(
    'unavailable',
    `could not reach MCP server "${server}" to call "${tool}" (${why}); it is not available now`,
  );
}

function contentValue(content: Content): unknown {
  if (content.every((block) => block.type === 'text')) return content.map((block) => block.text).join('\n');
  return content;
}

function contentText(content: Content): string {
  const parts = content.map((block) => (block.type === 'text' ? block.text : `[${block.type}]`));
  return parts.length === 0 ? '(no details)' : parts.join('\n');
}
