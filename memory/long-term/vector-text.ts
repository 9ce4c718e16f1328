/** A vector as pgvector's text input: `[1,2.5,-3]`. */
export function vectorText(v: readonly number[]): string {
  return `[${v.join(',')}]`;
}

/** pgvector's text output back into numbers. */
export function parseVector(text: string): number[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === 'number')) {
    throw new TypeError(`not a vector: ${text.slice(0, 40)}`);
  }
  return parsed;
}

/** Why `v` is not an embedding of `dimensions` finite numbers, or undefined. */
export function vectorProblem(v: readonly number[], dimensions: number): string | undefined {
  if (!Array.isArray(v)) return 'the embedding is not an array of numbers';
  if (v.length !== dimensions)
    return `the embedding has ${v.length} dimensions, the collection ${dimensions}`;
  const bad = v.findIndex((x) => typeof x !== 'number' || !Number.isFinite(x));
  if (bad !== -1) return `the embedding's value at ${bad} is not a finite number`;
  if (v.every((x) => x === 0)) return 'the embedding is all zeros (cosine similarity is undefined for it)';
  return undefined;
}
