export type { BuiltinEvent, WorkflowMessage } from './builtin-events.ts';
export { WorkflowLoopError } from './run-workflow.ts';
export { type WorkflowAgentOptions, workflowAgent } from './workflow-agent.ts';
export type { WorkflowActions, WorkflowContext } from './workflow-context.ts';
export {
  type ApprovalInput,
  type ApprovalOutput,
  approvalInputSchema,
  type WorkflowInput,
  workflowInputSchema,
} from './workflow-io.ts';
export type { WorkflowJournalEvent, WorkflowState } from './workflow-journal.ts';
