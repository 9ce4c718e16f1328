/** The subjects and actor names of one VOC pipeline: `voc.reviews`, `voc.scored`, … for the pipeline named `voc`. */
export interface VocSubjects {
  readonly name: string;
  readonly reviews: string;
  readonly scored: string;
  readonly satisfaction: string;
  readonly suggestions: string;
  readonly deadLetter: string;
  /** Reviews too late for their window. */
  readonly late: string;
  /** Actor names are journal namespaces: each pipeline's its own. */
  readonly actors: { readonly scorer: string; readonly satisfaction: string; readonly suggester: string };
}

/**
 * The pipeline's name and subjects. Each seed of the pack runs as its own
 * pipeline (`voc` for the default, `voc-s<seed>` otherwise): two seeds'
 * reviews share event times, and on one pipeline the second seed's would
 * all be late.
 */
export function vocSubjects(name = 'voc'): VocSubjects {
  return {
    name,
    reviews: `${name}.reviews`,
    scored: `${name}.scored`,
    satisfaction: `${name}.satisfaction`,
    suggestions: `${name}.suggestions`,
    deadLetter: `${name}.dead-letter`,
    late: `${name}.late`,
    actors: {
      scorer: `${name}-scorer`,
      satisfaction: `${name}-satisfaction`,
      suggester: `${name}-suggester`,
    },
  };
}

export const DEFAULT_SEED = 11;

/** The pipeline a seed runs as. */
export const pipelineNameFor = (seed: number) => (seed === DEFAULT_SEED ? 'voc' : `voc-s${seed}`);
