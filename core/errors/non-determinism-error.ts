/**
 * A re-run of a task asked `ctx` for something other than what the first run
 * recorded at that position, so the recorded results cannot be matched. Usually
 * `decide` branches on something that does not come from state, input or ctx.
 */
export class NonDeterminismError extends Error {
  override readonly name = 'NonDeterminismError';
  readonly actor: string;
  readonly key: string;
  readonly index: number;

  constructor(actor: string, key: string, index: number, expected: string, actual: string) {
    super(
      `actor "${actor}" key "${key}": step ${index} was recorded as ${expected} but the re-run asked for ${actual}; make decide depend only on state, input and ctx`,
    );
    this.actor = actor;
    this.key = key;
    this.index = index;
  }
}
