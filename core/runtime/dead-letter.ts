import type { Delivery } from '../log/log.ts';
import type { OutputDraft } from './unit.ts';

export interface DeadLetterInput {
  readonly stage: string;
  readonly actor: string;
  readonly subject: string;
  readonly msgId: string;
  readonly key: string;
  /** Where it failed: decode, decide, evolve, onTimer. */
  readonly phase: string;
  readonly reason: string;
  readonly delivery: Delivery | undefined;
}

/**
 * A dead-letter record: the reason and the original record, so it can be
 * inspected and replayed. It goes through the outbox like any output, so it is
 * written exactly once and the key moves on instead of retrying forever.
 */
export function deadLetterDraft(input: DeadLetterInput): OutputDraft {
  const env = input.delivery?.envelope;
  return {
    msgId: input.msgId,
    subject: input.subject,
    key: input.key,
    payload: {
      stage: input.stage,
      actor: input.actor,
      phase: input.phase,
      reason: input.reason,
      source: env
        ? {
            subject: env.subject,
            partition: env.partition,
            seq: env.seq,
            id: env.id,
            headers: env.headers,
            payloadBase64: Buffer.from(env.payload).toString('base64'),
          }
        : null,
    },
    headers: { 'Eddy-Dead-Letter-Phase': input.phase },
    eventTime: env?.eventTime ?? 0,
  };
}
