import type { Json } from '../../core/store/store.ts';

/**
 * `value` (model messages and answers: plain data) as the JSON the journal
 * will hold: a round trip drops undefined fields as storing would, so that
 * what the first run sees equals what a replay reads back.
 */
export function plainJson(value: unknown): Json {
  return JSON.parse(JSON.stringify(value ?? null)) as Json;
}
