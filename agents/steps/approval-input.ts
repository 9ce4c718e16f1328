import { z } from 'zod';

/** A human's decision on an approval request, as an input of the agent that asked. */
export const approvalInputSchema = z.object({
  type: z.literal('approval'),
  requestId: z.string().min(1),
  approved: z.boolean(),
  /** Who decided, for the journal and the trace. */
  by: z.string().min(1),
  reason: z.string().default(''),
});

/** A decision as the agent sees it, parsed. */
export type ApprovalInput = z.infer<typeof approvalInputSchema>;

/** The answer to a decision that matches no pending request: forged, replayed, or too late. */
export type ApprovalRejected = {
  readonly type: 'approval-rejected';
  readonly requestId: string;
  readonly reason: string;
};
