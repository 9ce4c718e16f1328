import type { ChatModel, ChatRequest, ChatResponse, ToolCall } from '../../../agents/models/chat-model.ts';

/** What the script answers at one point of a conversation. */
export type ScriptedTurn = { readonly content: string; readonly toolCalls?: readonly ToolCall[] };

/**
 * A deterministic ChatModel for agent tests: `script` maps the conversation so
 * far to the next answer. It records every completed call with the step it
 * answered (the number of assistant messages before it), and can be told to
 * hang on a given call, which is how a test stops the world mid-step.
 */
export class ScriptedModel implements ChatModel {
  readonly id = 'scripted:test';
  readonly offline = false;
  /** Completed calls, by step (1 = the first model call of a run). */
  readonly completed: number[] = [];
  readonly requests: ChatRequest[] = [];
  invocations = 0;
  hangOn: number | undefined;
  readonly #script: (request: ChatRequest) => ScriptedTurn;

  constructor(script: (request: ChatRequest) => ScriptedTurn) {
    this.#script = script;
  }

  async chat(request: ChatRequest): Promise<ChatResponse> {
    this.invocations++;
    if (this.invocations === this.hangOn) return new Promise<ChatResponse>(() => {});
    this.requests.push(request);
    const turn = this.#script(request);
    const step = request.messages.filter((m) => m.role === 'assistant').length + 1;
    this.completed.push(step);
    return {
      content: turn.content,
      toolCalls: turn.toolCalls ?? [],
      stopReason: (turn.toolCalls?.length ?? 0) > 0 ? 'tool_calls' : 'end',
      usage: { inputTokens: 10 * step, outputTokens: 3 },
      model: this.id,
    };
  }
}
