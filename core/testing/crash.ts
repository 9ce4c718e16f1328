import { CRASH, type Crashable } from '../internal.ts';

/**
 * Stops a stage or pipeline at once, as a crash of its process would: nothing
 * more is committed, acknowledged, published or released. Another instance (or
 * a new one) takes over from the committed state. For fault tests.
 *
 * @example
 * crash(running); // then start a new pipeline of the same name: it resumes from the last commit
 */
export function crash(target: Crashable): void {
  target[CRASH]();
}
