import type { ZodType } from 'zod';
import type { Envelope } from '../envelope.ts';

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Thrown for a record whose bytes are not the input the stage expects. */
export class InputDecodeError extends Error {
  override readonly name = 'InputDecodeError';
}

/**
 * Decodes JSON payloads, checked with a zod schema when one is given. Records
 * that fail go to the stage's dead letters with the reason.
 *
 * @example
 * const decode = jsonDecoder(z.object({ amount: z.number() }));
 */
export function jsonDecoder<I>(
  schema?: ZodType<I>,
): (payload: Uint8Array, envelope: Envelope<Uint8Array>) => I {
  return (payload, envelope) => {
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(payload));
    } catch (error) {
      throw new InputDecodeError(
        `record ${envelope.subject}#${envelope.partition}:${envelope.seq} is not UTF-8 JSON: ${(error as Error).message}`,
      );
    }
    if (!schema) return value as I;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new InputDecodeError(
        `record ${envelope.subject}#${envelope.partition}:${envelope.seq} does not match the input schema: ${parsed.error.message}`,
      );
    }
    return parsed.data;
  };
}
