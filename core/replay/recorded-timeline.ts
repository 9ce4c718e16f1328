import type { AnyActor } from '../runtime/program.ts';
import type { Json } from '../store/store.ts';
import type { RecordedJournal } from './recorded-journal.ts';

/**
 * The actors' states of one key as a replay walks its inputs: what is
 * replayed changes them through the new code, and everything else the
 * journal recorded (a timer firing's events, the inputs before `--from`)
 * is applied as recorded, in its place in the journal — before the first
 * replayed input that came after it — so the inputs around it see the
 * state they saw when they ran.
 *
 * @example
 * const timeline = new RecordedTimeline(actors, journals, 'alice', (seq) => seq >= 10);
 * timeline.before(12); // applies the timers that fired before input 12
 */
export class RecordedTimeline {
  /** By actor index. */
  states: readonly Json[];
  readonly #actors: readonly AnyActor[];
  readonly #journals: readonly RecordedJournal[];
  readonly #replayed: (seq: number) => boolean;
  readonly #cursors: number[];

  constructor(
    actors: readonly AnyActor[],
    journals: readonly RecordedJournal[],
    key: string,
    replayed: (seq: number) => boolean,
  ) {
    this.#actors = actors;
    this.#journals = journals;
    this.#replayed = replayed;
    this.#cursors = actors.map(() => 0);
    this.states = actors.map((def) => def.initial(key));
  }

  /** Applies what was recorded and is not replayed, up to the events of input `seq` (or a later one). */
  before(seq: number): void {
    const states = [...this.states];
    this.#actors.forEach((def, i) => {
      const events = this.#journals[i]?.events ?? [];
      let at = this.#cursors[i] ?? 0;
      for (; at < events.length; at++) {
        const e = events[at];
        if (!e) break;
        // The events of input `seq` and after come after it (a timer firing's, inputSeq 0, never stop it).
        if (e.inputSeq >= seq) break;
        if (this.#replayed(e.inputSeq)) continue;
        states[i] = def.evolve(states[i] as Json, e.event as Parameters<AnyActor['evolve']>[1]);
      }
      this.#cursors[i] = at;
    });
    this.states = states;
  }
}
