import type { Json } from '../../core/store/store.ts';
import type { ApprovalResolved } from '../steps/approval.ts';

/**
 * What a workflow agent journals: every event an action handled, every
 * memory write, approval and output. A `ChatResponse` or `ToolResponse` the
 * built-in actions made is the record of its model or tool step, so handling
 * it refers to that record rather than copying the answer. Replaying them rebuilds memory and the
 * parked tool requests.
 */
export type WorkflowJournalEvent =
  | { readonly type: 'EventHandled'; readonly event: Json }
  | { readonly type: 'MemorySet'; readonly name: string; readonly value: Json }
  | {
      readonly type: 'ApprovalRequested';
      readonly requestId: string;
      readonly request: Json;
      readonly expiresAt: number;
    }
  | ApprovalResolved
  | { readonly type: 'OutputEmitted'; readonly output: Json };

export type WorkflowState = {
  /** Short-term memory of the key: what actions `set` and `get`. */
  readonly memory: { readonly [name: string]: Json };
  /** Tool requests waiting for a human, by approval request id. */
  readonly parked: { readonly [requestId: string]: { readonly request: Json; readonly expiresAt: number } };
  readonly handled: number;
};

export const initialWorkflowState = (): WorkflowState => ({ memory: {}, parked: {}, handled: 0 });

export function evolveWorkflow(state: WorkflowState, event: WorkflowJournalEvent): WorkflowState {
  switch (event.type) {
    case 'EventHandled':
      return { ...state, handled: state.handled + 1 };
    case 'MemorySet':
      return { ...state, memory: { ...state.memory, [event.name]: event.value } };
    case 'ApprovalRequested':
      return {
        ...state,
        parked: {
          ...state.parked,
          [event.requestId]: { request: event.request, expiresAt: event.expiresAt },
        },
      };
    case 'ApprovalResolved': {
      const { [event.requestId]: _gone, ...parked } = state.parked;
      return { ...state, parked };
    }
    case 'OutputEmitted':
      return state;
  }
}
