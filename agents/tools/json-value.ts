import { checkJson, frozenJson } from '../../core/store/storable.ts';
import type { Json } from '../../core/store/store.ts';

/**
 * `value` as frozen JSON that every store accepts (tool results are journaled),
 * or why it is not. `undefined` (a function that returns nothing) becomes null.
 */
export function asJournalJson(value: unknown): { readonly json: Json } | { readonly problem: string } {
  try {
    return { json: frozenJson(checkJson(value === undefined ? null : value, 'result')) };
  } catch (error) {
    return { problem: error instanceof Error ? error.message : String(error) };
  }
}
