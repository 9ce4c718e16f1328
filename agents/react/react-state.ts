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
  /** The question asked (absent in runs journaled before conversations were kept). */
  readonly question?: string;
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

/** A finished question and its answer, as short-term memory keeps them. */
export type Turn = { readonly question: string; readonly answer: string };

/** Short-term memory of a key: the turns so far (bounded, see `conversation`) and a summary of older ones. */
export type Conversation = { readonly turns: readonly Turn[]; readonly summary: string | null };

export type ReactState = {
  readonly run: ActiveRun | null;
  /** Present when the agent keeps a conversation across questions (`conversation` option). */
  readonly conversation?: Conversation;
  /** Questions that arrived while a run was waiting for an approval. */
  readonly queue: readonly { readonly runId: string; readonly question: string }[];
  readonly finished: number;
};

export const initialReactState = (conversation = false): ReactState => ({
  run: null,
  queue: [],
  finished: 0,
  ...(conversation ? { conversation: { turns: [], summary: null } } : {}),
});

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
          question: event.question,
          messages: [...remembered(state.conversation), { role: 'user', content: event.question }],
          steps: 0,
          repairs: 0,
          pendingCalls: [],
          approval: null,
          usage: { inputTokens: 0, outputTokens: 0 },
        },
      };
    case 'RunFinished':
      return {
        ...state,
        run: null,
        finished: state.finished + 1,
        ...(state.conversation && run && event.outcome === 'answer'
          ? { conversation: withTurn(state.conversation, run) }
          : {}),
      };
    case 'ConversationStarted':
      return state.conversation ? state : { ...state, conversation: { turns: [], summary: null } };
    case 'ConversationDropped': {
      const { conversation: _dropped, ...rest } = state;
      return rest;
    }
    case 'HistorySummarized':
      return state.conversation
        ? {
            ...state,
            conversation: { turns: state.conversation.turns.slice(event.dropped), summary: event.summary },
          }
        : state;
    default:
      return run ? { ...state, run: evolveRun(run, event) } : state;
  }
}

/** The conversation so far as the messages a new run starts with: the summary, then the turns. */
function remembered(conversation: Conversation | undefined): StoredMessage[] {
  if (!conversation) return [];
  const messages: StoredMessage[] = [];
  if (conversation.summary !== null) {
    messages.push({ role: 'user', content: `Summary of our conversation so far: ${conversation.summary}` });
    messages.push({ role: 'assistant', content: 'Understood.', calls: [] });
  }
  for (const t of conversation.turns) {
    messages.push({ role: 'user', content: t.question }, { role: 'assistant', content: t.answer, calls: [] });
  }
  return messages;
}

/** The run's question and final answer, as a turn. */
function withTurn(conversation: Conversation, run: ActiveRun): Conversation {
  const answer = run.messages.findLast((m) => m.role === 'assistant');
  if (!answer || run.question === undefined) return conversation;
  return {
    ...conversation,
    turns: [...conversation.turns, { question: run.question, answer: answer.content }],
  };
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
