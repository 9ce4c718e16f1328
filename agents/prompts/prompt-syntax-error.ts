/**
 * A prompt template is malformed: an unmatched brace or a variable name that
 * is not an identifier. Thrown when the template is created, never at render.
 *
 * @example
 * prompt('Reply with {"ok": true}'); // throws PromptSyntaxError: write {{ and }} for literal braces
 */
export class PromptSyntaxError extends SyntaxError {
  override readonly name = 'PromptSyntaxError';
  /** Offset of the offending character in the template text. */
  readonly offset: number;

  constructor(template: string, offset: number, problem: string) {
    const excerpt = template.slice(Math.max(0, offset - 20), offset + 20);
    super(
      `prompt template: ${problem} at offset ${offset} (near ${JSON.stringify(excerpt)}); variables are written {name}, literal braces {{ and }}`,
    );
    this.offset = offset;
  }
}
