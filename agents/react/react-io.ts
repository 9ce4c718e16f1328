import { z } from 'zod';
import type { Json } from '../../core/store/store.ts';
import { type ApprovalRejected, approvalInputSchema } from '../steps/approval-input.ts';

/** What a ReAct agent accepts: a question, or a human's decision on an approval request. */
export const reactInputSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('ask'),
    question: z.string().min(1),
    /** Names the run in outputs; defaults to the input's msg id. */
    runId: z.string().min(1).optional(),
  }),
  approvalInputSchema,
]);

/** An input as the agent sees it, parsed. */
export type ReactInput = z.infer<typeof reactInputSchema>;
/** An input as a producer writes it (`reason` may be left out). */
export type ReactRequest = z.input<typeof reactInputSchema>;

/** What a ReAct agent emits, one record per answer, error, or approval request. */
export type ReactOutput =
  | {
      readonly type: 'answer';
      readonly runId: string;
      readonly answer: Json;
      readonly steps: number;
      readonly usage: { readonly inputTokens: number; readonly outputTokens: number };
    }
  | {
      readonly type: 'error';
      readonly runId: string;
      readonly code: 'step_limit' | 'model_error' | 'invalid_output';
      readonly error: string;
      readonly steps: number;
    }
  | {
      readonly type: 'approval-request';
      readonly runId: string;
      readonly requestId: string;
      readonly tool: string;
      readonly arguments: string;
      readonly expiresAt: number;
    }
  | ApprovalRejected;
