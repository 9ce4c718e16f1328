import { createHash } from 'node:crypto';

/**
 * The Message-ID of the mail sent under an idempotency key: the same key
 * always gives the same id, so a mail sent again after a crash is recognisably
 * the same mail (mail servers and clients drop or thread it as one), and the
 * key itself (which may name a customer) is not shown.
 *
 * @example
 * ```ts
 * messageIdFor('voc-scorer/R-000042/step-3', 'voc.example.com'); // '<3f1c…@voc.example.com>'
 * ```
 */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<${digest}@${domain}>`;
}
