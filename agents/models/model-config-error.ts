/**
 * A model spec or config object is not usable: unknown provider, a missing
 * model name, a value out of range. Nothing was sent anywhere. The message
 * names each field to fix; it never repeats the value of `apiKey` or of a
 * header (nor of an unknown field), so a key does not end up in a log.
 *
 * @example
 * try { chatModel('antropic:claude-sonnet-4-5'); }
 * catch (e) { if (e instanceof ModelConfigError) console.error(e.problems); }
 */
export class ModelConfigError extends Error {
  override readonly name = 'ModelConfigError';
  /** One line per problem, `field: what is wrong`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`the chat model config is not usable: ${problems.join('; ')}`);
    this.problems = problems;
  }
}
