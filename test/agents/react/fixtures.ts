import type { ChatRequest, ToolCall } from '../../../agents/models/chat-model.ts';
import type { Tool, ToolResult } from '../../../agents/tools/tool.ts';
import type { Json } from '../../../core/store/store.ts';
import type { ScriptedTurn } from './scripted-model.ts';

/** Calls made to the test tools, with their idempotency keys; `hangOn` freezes the nth call. */
export class ToolLedger {
  readonly calls: { tool: string; args: string; key: string }[] = [];
  /** Calls that froze (the process "died" in them), with their idempotency keys. */
  readonly hung: { tool: string; key: string }[] = [];
  invocations = 0;
  hangOn: number | undefined;

  tool(
    name: string,
    run: (args: Record<string, Json>) => Json,
    flags: { sideEffect?: boolean; requiresApproval?: boolean } = {},
  ): Tool {
    return {
      name,
      definition: {
        name,
        description: `test tool ${name}`,
        parameters: { type: 'object', additionalProperties: true },
      },
      sideEffect: flags.sideEffect ?? false,
      requiresApproval: flags.requiresApproval ?? false,
      timeoutMs: 5_000,
      call: async (input, context): Promise<ToolResult> => {
        this.invocations++;
        const key = context?.idempotencyKey ?? '';
        if (this.invocations === this.hangOn) {
          this.hung.push({ tool: name, key });
          return new Promise<ToolResult>(() => {});
        }
        this.calls.push({ tool: name, args: JSON.stringify(input), key });
        return { ok: true, value: run(input as Record<string, Json>) };
      },
    };
  }
}

export const call = (id: string, name: string, args: string): ToolCall => ({ id, name, arguments: args });

/** Tool messages of the conversation so far. */
export const toolMessages = (request: ChatRequest) => request.messages.filter((m) => m.role === 'tool');

/**
 * The order-status script: ask two tools in parallel, then answer with JSON
 * built from their results (in a markdown fence, as models do).
 */
export function orderScript(request: ChatRequest): ScriptedTurn {
  const tools = toolMessages(request);
  if (tools.length === 0) {
    return {
      content: 'Let me look.',
      toolCalls: [call('c1', 'lookup', '{"order":"A1"}'), call('c2', 'weather', '{"city":"Oslo"}')],
    };
  }
  const status = JSON.parse(tools.find((t) => t.name === 'lookup')?.content ?? '{}') as { status?: string };
  const weather = JSON.parse(tools.find((t) => t.name === 'weather')?.content ?? '{}') as { temp?: number };
  return { content: `\`\`\`json\n${JSON.stringify({ status: status.status, temp: weather.temp })}\n\`\`\`` };
}
