import { z } from 'zod';

/**
 * A dead letter as read back from its subject: what `redriveDeadLetters`
 * needs of it, checked, since anything may have been published there.
 */
export const deadLetterSchema = z.object({
  stage: z.string(),
  actor: z.string(),
  phase: z.string(),
  reason: z.string(),
  key: z.string(),
  keyValid: z.boolean(),
  source: z
    .object({
      subject: z.string().min(1),
      partition: z.number().int().nonnegative(),
      seq: z.number().int().positive(),
      id: z.string(),
      eventTime: z.number(),
      headers: z.record(z.string(), z.string()),
      payloadBytes: z.number().int().nonnegative(),
      payloadSha256: z.string(),
      payloadPrefixBase64: z.string(),
    })
    .nullable(),
});

export type ReadDeadLetter = z.infer<typeof deadLetterSchema>;
