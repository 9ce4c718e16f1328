/**
 * The model did not produce JSON matching the schema, even after being told
 * what was wrong once. `content` is its last answer (cut to 2 000
 * characters), `problems` what was wrong with it. Simplify the schema,
 * describe it in the prompt, or use a more capable model.
 *
 * @example
 * try { await structured(model, request, schema); }
 * catch (e) { if (e instanceof StructuredOutputError) log.warn({ problems: e.problems }, 'no usable answer'); }
 */
export class StructuredOutputError extends Error {
  override readonly name = 'StructuredOutputError';
  readonly model: string;
  readonly problems: readonly string[];
  readonly content: string;
  readonly attempts: number;

  constructor(model: string, problems: readonly string[], content: string, attempts: number) {
    super(
      `${model} gave no answer matching the schema in ${attempts} attempts (${problems.join('; ')}); simplify the schema, describe it in the prompt, or use a more capable model`,
    );
    this.model = model;
    this.problems = problems;
    this.content = content.length > 2_000 ? `${content.slice(0, 2_000)}…` : content;
    this.attempts = attempts;
  }
}
