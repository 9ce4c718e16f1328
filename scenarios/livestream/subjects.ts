/** The subjects and actor names of one live-stream pipeline (`livestream` for the default seed). */
export interface LiveSubjects {
  readonly name: string;
  readonly comments: string;
  /** Per-minute stats: partial (early) and final results. */
  readonly windows: string;
  readonly feedback: string;
  readonly deadLetter: string;
  readonly late: string;
  readonly actors: {
    readonly sentiment: string;
    readonly topic: string;
    readonly minutes: string;
    readonly feedback: string;
  };
}

export const DEFAULT_SEED = 17;

export function liveSubjects(seed = DEFAULT_SEED): LiveSubjects {
  const name = seed === DEFAULT_SEED ? 'livestream' : `livestream-s${seed}`;
  return {
    name,
    comments: `${name}.comments`,
    windows: `${name}.windows`,
    feedback: `${name}.feedback`,
    deadLetter: `${name}.dead-letter`,
    late: `${name}.late`,
    actors: {
      sentiment: `${name}-sentiment`,
      topic: `${name}-topic`,
      minutes: `${name}-minutes`,
      feedback: `${name}-feedback`,
    },
  };
}
