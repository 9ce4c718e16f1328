export { type ApprovalInput, approvalInputSchema } from '../steps/approval-input.ts';
export type { BuiltinEvent, WorkflowMessage } from './builtin-events.ts';
export { type WorkflowAgentOptions, workflowAgent } from './workflow-agent.ts';
export type { WorkflowActions, WorkflowChat, WorkflowContext } from './workflow-context.ts';
export { type ApprovalOutput, type WorkflowInput, workflowInputSchema } from './workflow-io.ts';
export type { WorkflowJournalEvent, WorkflowState } from './workflow-journal.ts';
export { WorkflowLoopError } from './workflow-loop-error.ts';
export type { ContextRetriever } from './workflow-settings.ts';
