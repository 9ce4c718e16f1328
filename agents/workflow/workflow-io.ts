import { z } from 'zod';
import type { Json } from '../../core/store/store.ts';
import { type ApprovalInput, type ApprovalRejected, approvalInputSchema } from '../steps/approval-input.ts';

/**
 * The schema of a workflow agent's stage input: an approval decision, or the
 * workflow's own input (whose `type`, if it has one, must not be `approval`).
 *
 * @example
 * new Stage({ ..., actor: triage, schema: workflowInputSchema(z.object({ review: z.string() })) });
 */
export function workflowInputSchema<In extends Json>(input: z.ZodType<In>) {
  return z.union([approvalInputSchema, input]);
}

export type WorkflowInput<In> = ApprovalInput | In;

/** Outputs of the approval machinery, next to the workflow's own. */
export type ApprovalOutput =
  | {
      readonly type: 'approval-request';
      readonly requestId: string;
      readonly tool: string;
      readonly input: Json;
      readonly expiresAt: number;
    }
  | ApprovalRejected;
