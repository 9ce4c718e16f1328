import { tool } from 'eddy/agents';
import { type Mail, type Mailer, MailRejectedError, MailUnavailableError } from 'eddy/connectors';
import { z } from 'zod';

export const NOTIFY_TOOL = 'notify_logistics_manager';

const NotifyInput = z.object({
  to: z.email(),
  manager: z.string(),
  partner: z.string(),
  productId: z.string(),
  productName: z.string(),
  reviewId: z.string(),
  score: z.number().int().min(0).max(5),
  reasons: z.array(z.string()),
  text: z.string(),
});
export type NotifyInput = z.infer<typeof NotifyInput>;

/** What the tool answers: the mail's id, or why the server refused it for good. */
export type NotifyResult =
  | { readonly sent: true; readonly messageId: string; readonly to: string }
  | { readonly sent: false; readonly rejected: string };

/**
 * The `notify` tool: an e-mail to the product's logistics manager about a
 * shipping complaint, through SMTP. A side effect, so it gets the call's
 * idempotency key, which becomes the mail's Message-ID: after a crash the
 * mail that goes out again is the same mail. A server that cannot be reached
 * is a failure (the scorer retries the whole review later); one that refuses
 * the mail for good is an answer.
 */
export function notifyTool(mailer: Mailer) {
  return tool({
    name: NOTIFY_TOOL,
    description: 'E-mails the logistics manager of a product about a shipping complaint',
    input: NotifyInput,
    sideEffect: true,
    timeoutMs: 20_000,
    run: async (n, { idempotencyKey, signal }): Promise<NotifyResult> => {
      try {
        const sent = await sendWithRetries(mailer, signal, {
          to: n.to,
          subject: `[VOC] Shipping complaint: ${n.productName} (${n.reviewId}, score ${n.score}/5)`,
          text: [
            `Hello ${n.manager},`,
            '',
            `a customer is unhappy with the delivery of ${n.productName} (${n.productId}), shipped by ${n.partner}.`,
            `Score ${n.score}/5. Reasons: ${n.reasons.join('; ')}.`,
            '',
            `Review ${n.reviewId}:`,
            `> ${n.text}`,
            '',
            '-- eddy VOC pipeline',
          ].join('\n'),
          idempotencyKey,
          headers: { 'X-Eddy-Review': n.reviewId },
        });
        return { sent: true, messageId: sent.messageId, to: n.to };
      } catch (error) {
        if (error instanceof MailRejectedError) return { sent: false, rejected: error.message };
        throw error;
      }
    },
  });
}

const RETRY_DELAYS_MS = [250, 1_000, 4_000];

/** A server that is briefly away gets three more tries, the same Message-ID each time. */
async function sendWithRetries(mailer: Mailer, signal: AbortSignal, mail: Mail) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await mailer.send(mail, { signal });
    } catch (error) {
      const delay = RETRY_DELAYS_MS[attempt];
      if (!(error instanceof MailUnavailableError) || delay === undefined || signal.aborted) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
