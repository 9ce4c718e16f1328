import { VERBATIM } from '../log/append-rules.ts';
import { hasLoneSurrogate, shown } from '../text.ts';

/** Stage and actor names key rows and msg ids (which travel in headers): bounded and header-safe. */
export const MAX_STAGE_NAME_LENGTH = 200;

/**
 * Throws a `TypeError` unless the stage and actor names can name rows in every
 * store and msg ids on every log: 1 to 200 characters, no line breaks or
 * surrounding whitespace, no NUL or lone surrogate.
 */
export function checkStageNames(stage: string, actor: string): void {
  for (const [what, name] of [
    ['stage', stage],
    ['actor', actor],
  ] as const) {
    if (
      typeof name !== 'string' ||
      name.length === 0 ||
      name.length > MAX_STAGE_NAME_LENGTH ||
      !VERBATIM.test(name) ||
      name.includes('\u0000') ||
      hasLoneSurrogate(name)
    ) {
      throw new TypeError(
        `${what} name ${typeof name === 'string' ? shown(name) : String(name)} is not valid: use 1 to ${MAX_STAGE_NAME_LENGTH} characters without line breaks, surrounding whitespace or NUL`,
      );
    }
  }
}
