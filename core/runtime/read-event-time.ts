import type { Envelope } from '../envelope.ts';
import type { Program } from './program.ts';

/** An input's event time, and the record when reading it took decoding it (kept for its task). */
export interface EventTimeRead {
  readonly eventTime: number;
  readonly decoded?: { readonly value: unknown };
}

/**
 * The input's event time: the envelope's, or what the program reads from the
 * record (decoded here once, and kept for its task; fractions of a ms are
 * dropped). A record that does not decode or gives no usable time must not
 * move the clock (its append time could be a month ahead of a backfill): it
 * gets the partition's clock as it is (`clock`), and its task dead-letters
 * it or runs it.
 */
export function readEventTime(program: Program, env: Envelope<Uint8Array>, clock: number): EventTimeRead {
  const read = program.eventTime;
  if (!read || env.keyProblem !== undefined) return { eventTime: env.eventTime };
  let value: unknown;
  try {
    value = program.decode(env.payload, env);
  } catch {
    return { eventTime: clock };
  }
  let t: number;
  try {
    t = Math.floor(read(value));
  } catch {
    t = Number.NaN;
  }
  return { eventTime: Number.isSafeInteger(t) ? t : clock, decoded: { value } };
}
