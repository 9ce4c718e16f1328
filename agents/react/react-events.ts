import type { ApprovalResolved } from '../steps/approval.ts';

/** A tool call as journaled: the model's id, the tool name and its raw argument text. */
export type JournaledCall = { readonly id: string; readonly name: string; readonly arguments: string };

/** Token counts as journaled. */
export type JournaledUsage = { readonly inputTokens: number; readonly outputTokens: number };

/** A model answer as journaled: the model step records it in this form, so it is journaled once. */
export type ModelAnswered = {
  readonly type: 'ModelAnswered';
  readonly step: number;
  readonly content: string;
  readonly reasoning: string | null;
  readonly calls: readonly JournaledCall[];
  readonly usage: JournaledUsage;
};

/** A tool call's end as the model reads it: the tool step records it in this form, once. */
export type ToolFinished = {
  readonly type: 'ToolFinished';
  readonly callId: string;
  readonly name: string;
  readonly ok: boolean;
  readonly content: string;
};

/**
 * Everything a ReAct agent does, journaled: replaying these events rebuilds
 * the conversation, the pending approval and the queue exactly. A run's
 * answer is the content of its last `ModelAnswered`; `RunFinished` says only
 * how the run ended, so that the journal holds the answer once.
 */
export type ReactEvent =
  | { readonly type: 'RunStarted'; readonly runId: string; readonly question: string }
  | { readonly type: 'RunQueued'; readonly runId: string; readonly question: string }
  | ModelAnswered
  | ToolFinished
  | {
      readonly type: 'ApprovalRequested';
      readonly requestId: string;
      readonly callId: string;
      readonly expiresAt: number;
    }
  | ApprovalResolved
  | { readonly type: 'OutputRejected'; readonly error: string }
  | {
      readonly type: 'RunFinished';
      readonly runId: string;
      readonly outcome: 'answer' | 'error';
      readonly error: string | null;
    }
  /** The agent keeps a conversation from now on (`conversation` set), or no longer does. */
  | { readonly type: 'ConversationStarted' }
  | { readonly type: 'ConversationDropped' }
  /** The oldest `dropped` turns of the conversation folded into `summary` (a journaled model call). */
  | { readonly type: 'HistorySummarized'; readonly summary: string; readonly dropped: number };
