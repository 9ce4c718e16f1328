/**
 * The values given to `render` or `format` do not match the template's
 * variables. Each list names the variables concerned, so the message says
 * exactly what to add, remove or convert.
 *
 * Extra variables are an error on purpose: a misspelt name would otherwise be
 * dropped silently while the template renders with the one it meant missing.
 *
 * @example
 * try { prompt('Hi {name}').format({ nmae: 'Ada' }); }
 * catch (e) { if (e instanceof PromptVariablesError) console.log(e.missing, e.unexpected); } // ['name'] ['nmae']
 */
export class PromptVariablesError extends Error {
  override readonly name = 'PromptVariablesError';
  /** Variables the template uses that got no value (or `undefined`). */
  readonly missing: readonly string[];
  /** Values given for names the template does not use. */
  readonly unexpected: readonly string[];
  /** Variables whose value is not a string, number or boolean (objects, arrays, null). */
  readonly invalid: readonly string[];

  constructor(
    expected: readonly string[],
    problems: {
      readonly missing: readonly string[];
      readonly unexpected: readonly string[];
      readonly invalid: readonly string[];
    },
  ) {
    const parts: string[] = [];
    if (problems.missing.length > 0) parts.push(`missing ${problems.missing.join(', ')}`);
    if (problems.unexpected.length > 0) parts.push(`unexpected ${problems.unexpected.join(', ')}`);
    if (problems.invalid.length > 0)
      parts.push(
        `not a string, number or boolean: ${problems.invalid.join(', ')} (format such values yourself first)`,
      );
    const uses = expected.length === 0 ? 'no variables' : `exactly ${expected.join(', ')}`;
    super(`prompt variables: ${parts.join('; ')}; the template uses ${uses}`);
    this.missing = problems.missing;
    this.unexpected = problems.unexpected;
    this.invalid = problems.invalid;
  }
}
