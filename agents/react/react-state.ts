import type { JournaledCall, JournaledUsage, ReactEvent } from './react-events.ts';

/** A conversation message as state holds it (JSON, so it snapshots as it is). */
export type StoredMessage =
  | { readonly role: 'user'; readonly content: string }
  | { readonly role: 'assistant'; readonly content: string; readonly calls: readonly JournaledCall[] }
  | {
      readonly role: 'tool';
      readonly callId: string;
      readonly name: string;
      readonly content: string;
      readonly isError: boolean;
    };

export type PendingApproval = {
  readonly requestId: string;
  readonly callId: string;
  readonly expiresAt: number;
};

/** One question being worked on. */
export type ActiveRun = {
  readonly runId: string;
  readonly messages: readonly StoredMessage[];
  /** Model calls made so far. */
  readonly steps: number;
  /** Answers sent back for not matching the output schema. */
  readonly repairs: number;
  /** Calls of the last model turn that have no result yet. */
  readonly pendingCalls: readonly JournaledCall[];
  readonly approval: PendingApproval | null;
  readonly usage: JournaledUsage;
};

export type ReactState = {
  readonly run: ActiveRun | null;
  /** Questions that arrived while a run was waiting for an approval. */
  readonly queue: readonly { readonly runId: string; readonly question: string }[];
  readonly finished: number;
};

export const initialReactState = (): ReactState => ({ run: null, queue: [], finished: 0 });

/** Folds one journaled event into the state; pure. */
export function evolveReact(state: ReactState, event: ReactEvent): ReactState {
  const run = state.run;
  switch (event.type) {
    case 'RunQueued':
      return { ...state, queue: [...state.queue, { runId: event.runId, question: event.question }] };
    case 'RunStarted':
      return {
        ...state,
        queue: state.queue.filter((q) => q.runId !== event.runId),
        run: {
          runId: event.runId,
          messages: [{ role: 'user', content: event.question }],
          steps: 0,
          repairs: 0,
          pendingCalls: [],
          approval: null,
          usage: { inputTokens: 0, outputTokens: 0 },
        },
      };
    case 'RunFinished':
      return { ...state, run: null, finished: state.finished + 1 };
    default:
      return run ? { ...state, run: evolveRun(run, event) } : state;
  }
}

function evolveRun(run: ActiveRun, event: ReactEvent): ActiveRun {
  switch (event.type) {
    case 'ModelAnswered':
      return {
        ...run,
        messages: [...run.messages, { role: 'assistant', content: event.content, calls: event.calls }],
        steps: run.steps + 1,
        pendingCalls: event.calls,
        usage: {
          inputTokens: run.usage.inputTokens + event.usage.inputTokens,
          outputTokens: run.usage.outputTokens + event.usage.outputTokens,
        },
      };
    case 'ToolFinished':
      return {
        ...run,
        messages: [
          ...run.messages,
          {
            role: 'tool',
            callId: event.callId,
            name: event.name,
            content: event.content,
            isError: !event.ok,
          },
        ],
        pendingCalls: run.pendingCalls.filter((c) => c.id !== event.callId),
      };
    case 'ApprovalRequested':
      return {
        ...run,
        approval: { requestId: event.requestId, callId: event.callId, expiresAt: event.expiresAt },
      };
    case 'ApprovalResolved':
      return { ...run, approval: null };
    case 'OutputRejected':
      return {
        ...run,
        repairs: run.repairs + 1,
        messages: [
          ...run.messages,
          {
            role: 'user',
            content: `Your answer does not match the required format: ${event.error}. Answer again.`,
          },
        ],
      };
    default:
      return run;
  }
}
