import type { Flowing } from './attempt.ts';

/** The records that reached the end, as deeply frozen copies: what follows cannot change them. */
export function kept(
  results: readonly Flowing[],
): readonly { readonly value: unknown; readonly key: string }[] {
  return results.map((r) => ({ value: deepFreeze(structuredClone(r.value)), key: r.key }));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
