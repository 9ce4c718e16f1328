import { PromptVariablesError } from './prompt-variables-error.ts';

/** What a variable may be set to; other values must be formatted by the caller. */
export type PromptValue = string | number | boolean;

/**
 * The names of the `{variables}` in a template literal type, so that `render`
 * checks at compile time what it also checks at run time. `{{` and `}}` are
 * skipped as escapes. A template typed plain `string` gives `string`.
 *
 * @example
 * type V = VariablesOf<'Hi {name}, {{not}} {age}'>; // 'name' | 'age'
 */
export type VariablesOf<T extends string> = string extends T ? string : ScanVariables<T, never>;

// Tail-recursive (accumulator), so long templates stay within the compiler's depth limit.
type ScanVariables<T extends string, Found extends string> = T extends `${infer _Head}{${infer Tail}`
  ? Tail extends `{${infer Rest}`
    ? ScanVariables<Rest, Found>
    : Tail extends `${infer Name}}${infer Rest}`
      ? ScanVariables<Rest, Found | Name>
      : Found
  : Found;

/** One value per variable; nothing else. */
export type PromptValues<V extends string> = string extends V
  ? Readonly<Record<string, PromptValue>>
  : { readonly [K in V]: PromptValue };

/** Arguments of `render`/`format`: optional when the template has no variables. */
export type PromptArguments<V extends string> = [V] extends [never]
  ? [values?: Readonly<Record<string, never>>]
  : [values: PromptValues<V>];

/**
 * Checks that `values` has exactly the template's variables, each a string,
 * number or boolean, and returns them. An own property set to `undefined`
 * counts as absent, as it would after a JSON round trip.
 */
export function checkValues(
  expected: readonly string[],
  values: unknown,
): Readonly<Record<string, PromptValue>> {
  const given: Record<string, unknown> = typeof values === 'object' && values !== null ? { ...values } : {};
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const name of expected) {
    const value = given[name];
    if (value === undefined) missing.push(name);
    else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      invalid.push(name);
  }
  const wanted = new Set(expected);
  const unexpected = Object.keys(given).filter((k) => !wanted.has(k) && given[k] !== undefined);
  if (missing.length > 0 || unexpected.length > 0 || invalid.length > 0)
    throw new PromptVariablesError(expected, { missing, unexpected, invalid });
  return given as Record<string, PromptValue>;
}
