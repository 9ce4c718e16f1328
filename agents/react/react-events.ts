import type { Json } from '../../core/store/store.ts';

/** A tool call as journaled: the model's id, the tool name and its raw argument text. */
export type JournaledCall = { readonly id: string; readonly name: string; readonly arguments: string };

/** Token counts as journaled. */
export type JournaledUsage = { readonly inputTokens: number; readonly outputTokens: number };

/**
 * Everything a ReAct agent does, journaled: replaying these events rebuilds
 * the conversation, the pending approval and the queue exactly.
 */
export type ReactEvent =
  | { readonly type: 'RunStarted'; readonly runId: string; readonly question: string }
  | { readonly type: 'RunQueued'; readonly runId: string; readonly question: string }
  | {
      readonly type: 'ModelAnswered';
      readonly step: number;
      readonly content: string;
      readonly reasoning: string | null;
      readonly calls: readonly JournaledCall[];
      readonly usage: JournaledUsage;
    }
  | {
      readonly type: 'ToolFinished';
      readonly callId: string;
      readonly name: string;
      readonly ok: boolean;
      readonly content: string;
    }
  | {
      readonly type: 'ApprovalRequested';
      readonly requestId: string;
      readonly callId: string;
      readonly expiresAt: number;
    }
  | {
      readonly type: 'ApprovalResolved';
      readonly requestId: string;
      readonly approved: boolean;
      readonly by: string;
      readonly reason: string;
    }
  | { readonly type: 'OutputRejected'; readonly error: string }
  | {
      readonly type: 'RunFinished';
      readonly runId: string;
      readonly outcome: 'answer' | 'error';
      readonly answer: Json;
      readonly error: string | null;
    };
