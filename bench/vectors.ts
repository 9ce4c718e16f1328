// The vectors of the memory comparison, generated again from a seed whenever they are needed (100k
// × 384 numbers would be 300 MB as arrays): clustered around 200 topics the way embeddings are, or
// uniform random (HNSW's worst case: no neighbour is much nearer than another). Exact top-k by a
// brute-force scan over them, the truth both stores' recall@k is measured against.
export const DIM = 384;
export type Kind = 'clustered' | 'random';

/** A seeded generator, so every side gets the same vectors. */
export function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const centroids = (() => {
  const next = random(3);
  return Array.from({ length: 200 }, () => Array.from({ length: DIM }, () => next() * 2 - 1));
})();

export function vector(kind: Kind, next: () => number): number[] {
  if (kind === 'random') return Array.from({ length: DIM }, () => next() * 2 - 1);
  const c = centroids[Math.floor(next() * centroids.length)] as number[];
  return c.map((x) => x + (next() * 2 - 1) * 0.6);
}

/** The `count` stored vectors in batches of `size`, the same every time: [first index, vectors]. */
export function* batches(kind: Kind, count: number, size = 1000): Generator<[number, number[][]]> {
  const next = random(kind === 'random' ? 11 : 7);
  for (let start = 0; start < count; start += size) {
    const batch: number[][] = [];
    for (let i = start; i < Math.min(count, start + size); i++) batch.push(vector(kind, next));
    yield [start, batch];
  }
}

/** Query vectors, drawn like the stored ones (another seed). */
export function queries(kind: Kind, count: number): number[][] {
  const next = random(kind === 'random' ? 199 : 99);
  return Array.from({ length: count }, () => vector(kind, next));
}

export const idOf = (i: number) => `m${i}`;
export const textOf = (i: number) => `incident E${i % 5000} on host${i % 97}`;

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

/** The ids of each query's `k` nearest stored vectors by cosine similarity, by scanning all of them. */
export function exactTopK(kind: Kind, count: number, qs: readonly number[][], k: number): string[][] {
  const qn = qs.map(norm);
  const best = qs.map(() => [] as { id: number; score: number }[]);
  for (const [start, batch] of batches(kind, count)) {
    batch.forEach((v, j) => {
      const vn = norm(v);
      qs.forEach((q, qi) => {
        let dot = 0;
        for (let d = 0; d < DIM; d++) dot += (q[d] as number) * (v[d] as number);
        const score = dot / (vn * (qn[qi] as number));
        const top = best[qi] as { id: number; score: number }[];
        if (top.length < k || score > (top[top.length - 1] as { score: number }).score) {
          top.push({ id: start + j, score });
          top.sort((a, b) => b.score - a.score);
          if (top.length > k) top.pop();
        }
      });
    });
  }
  return best.map((top) => top.map((t) => idOf(t.id)));
}

/** Share of the exact top-k each query's ids found, over all queries. */
export function recallAtK(
  found: readonly (readonly string[])[],
  exact: readonly string[][],
  k: number,
): number {
  let hits = 0;
  found.forEach((ids, i) => {
    const truth = new Set(exact[i]);
    for (const id of ids.slice(0, k)) if (truth.has(id)) hits++;
  });
  return Number((hits / (exact.length * k)).toFixed(3));
}

export const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
